using System.Text;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace McpPlatform.Tests.Api;

/// <summary>One operation of the OpenAPI document as the fuzz sees it: its parameters and its JSON body's schema.</summary>
internal sealed record FuzzOperation(string Method, string Path, IReadOnlyList<IOpenApiParameter> Parameters, IOpenApiSchema? Body, bool HasBody)
{
    public string Name => $"{Method} {Path}";

    public static IReadOnlyList<FuzzOperation> From(OpenApiDocument document) =>
    [
        .. from path in document.Paths
           from operation in path.Value.Operations ?? []
           let parameters = (path.Value.Parameters ?? []).Concat(operation.Value.Parameters ?? []).Where(p => p.Name is not null).ToList()
           let content = operation.Value.RequestBody?.Content
           let json = content?.FirstOrDefault(c => c.Key.Contains("json", StringComparison.Ordinal)).Value
           orderby path.Key, operation.Key.Method
           select new FuzzOperation(operation.Key.Method, path.Key, parameters, json?.Schema, operation.Value.RequestBody is not null),
    ];
}

/// <summary>One generated request; <see cref="Target"/> says what in it is hostile.</summary>
internal sealed record FuzzRequest(int Index, string Operation, string Target, string Caller, string Method, string Url, byte[]? Body, string? ContentType, IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>
/// Generates hostile requests for the operations of an OpenAPI document, deterministically from a seed. Every
/// parameter (path, query, header) and every member of a JSON body its schema describes (nested objects, array items,
/// map keys and values) is given each hostile value of its type once while everything else stays plausible; whole
/// bodies are replaced by malformed ones; random combinations fill up the rest. Values the platform could connect to
/// are never generated: every URL names <c>unreachable.invalid</c>.
/// </summary>
internal sealed class OpenApiFuzzCorpus(Random random, IReadOnlyList<string> callers, IReadOnlyList<string> plausibleWords)
{
    /// <summary>Where every URL the fuzz sends plausibly points: a closed port that the fuzz's host allows (see
    /// <c>TestRun.StartHostileApiAsync</c>), so a connect is refused at once and no name is ever resolved.</summary>
    public const string UnreachableUrl = "http://127.0.0.1:1/mcp";

    /// <summary>The share of the requests given to the systematic part; random combinations make up the rest.</summary>
    private const double SystematicShare = 0.7;

    private readonly Random _random = random;
    private readonly IReadOnlyList<string> _callers = callers;
    private readonly IReadOnlyList<string> _plausibleWords = plausibleWords;

    /// <summary>Text as a client means it (encoded for where it travels). Lone surrogates are below, apart.</summary>
    private static readonly string[] HostileText =
    [
        "\0", "a\0b", "\0\u0001", "name\0.json", new string('\0', 64),
        "\u0001\u0002\u0003", "\u001f", "\u007f", "\u0085", "\t", "\r\n", "a\r\nSet-Cookie: x=1", "\u001b[31mred", "\b\f\v",
        "", " ", "   ",
        new string('a', 257), new string('x', 5_000), new string('y', 100_000),
        "\u202Eevil", "a\u200Bb", "\u200D", "\uFEFFbom", "😀", "ｆｕｌｌ", "İ", "ß", "e\u0301", "\uFFFF", "\uFFFE", "\u2028", "\u0660", "𝟘", "пароль",
        "%", "_", "\\", "%_\\", "\\%", "a\\", "%%", "'", "' OR '1'='1", "'; DROP TABLE users;--", "\"", "a\"b", "$1", "?",
        "../../etc/passwd", "..\\..\\windows\\win.ini", "....//....//", "%2e%2e%2f", "/", "//", ".", "..",
        "-1", "0", "2147483648", "99999999999999999999", "1.5", "1e308", "NaN", "Infinity", "0x10",
        "null", "undefined", "true", "[]", "{}", "<script>alert(1)</script>", "${jndi:ldap://x/a}", "{{API_KEY}}", "__proto__", "constructor",
        "javascript:alert(1)", "file:///etc/passwd", "http://127.0.0.1:6379/", "http://169.254.169.254/latest/meta-data/",
    ];

    /// <summary>Lone UTF-16 surrogates: sent escaped in JSON (<c>\ud800</c>), and in URLs as the UTF-8 bytes of one.</summary>
    private static readonly string[] LoneSurrogates = ["\\ud800", "a\\udc00b", "\\udbff", "\\udfff\\ud800", "\\ud83d"];

    /// <summary>Already percent-encoded URL values that no string encodes to: malformed escapes and invalid UTF-8.</summary>
    private static readonly string[] RawUrlValues = ["%ED%A0%80", "%ED%B0%80", "%C0%AF", "%FF%FE", "%C0%80", "%", "%zz", "%%", "%u0000", "%2500", "%00%00"];

    /// <summary>For integer parameters: out of range, fractions, words, other digits.</summary>
    private static readonly string[] HostileIntegers =
        ["-1", "0", "-2147483649", "2147483648", "9223372036854775808", "1.5", "1e3", "-0", "NaN", "abc", "", "0x1", " 1", "+1", "1,2", "١٢", "1 OR 1=1"];

    /// <summary>JSON values of the wrong type or out of range, as JSON text.</summary>
    private static readonly string[] HostileJson =
    [
        "null", "true", "false", "0", "-1", "1.5", "2147483648", "-9223372036854775809", "1e400", "-1e-400", "\"\"", "\"str\"", "[]", "{}",
        "[1,\"a\",null,{}]", "{\"a\":\"\\u0000\"}", "{\"\\u0000\":1}", "[\"\\u0000\"]",
        Nested('[', ']', 70), Nested('[', ']', 1_000), NestedObjects(70), NestedObjects(2_000),
        "[" + string.Join(",", Enumerable.Repeat("0", 50_000)) + "]",
        "{" + string.Join(",", Enumerable.Range(0, 5_000).Select(i => $"\"k{i}\":{i}")) + "}",
    ];

    /// <summary>Whole bodies: malformed, empty, of the wrong shape or media type.</summary>
    private static readonly (string? Text, string? ContentType)[] HostileBodies =
    [
        ("", "application/json"), (null, "application/json"), ("{", "application/json"), ("}", "application/json"), ("{\"a\":1,}", "application/json"),
        ("null", "application/json"), ("[]", "application/json"), ("\"text\"", "application/json"), ("12", "application/json"), ("true", "application/json"),
        ("{'a':1}", "application/json"), ("/* comment */ {}", "application/json"), ("{\"a\":\"\u0001\"}", "application/json"), ("\uFEFF{}", "application/json"),
        (Nested('[', ']', 10_000), "application/json"), (NestedObjects(5_000), "application/json"), ("{\"a\":1e999999}", "application/json"),
        ("{\"\\u0000\":{\"\\ud800\":\"\\u0000\"}}", "application/json"), ("{\"a\":\"\\ud800\"}", "application/json"), ("{\"a\":\"\\u0000\"}", "application/json"),
        ("{}", "text/plain"), ("a=1&b=2", "application/x-www-form-urlencoded"), ("<a/>", "application/xml"), ("{}", null),
        ("{\"a\":\"\\u0000\"}", "application/json; charset=utf-16"), ("{}", "application/json; charset=utf-7"), ("{}", "application/merge-patch+json"),
        ("{\"a\":\"\\u0000\"}", "application/problem+json"), ("{}", "multipart/form-data; boundary=x"),
    ];

    private const string RawMarker = "\u0002fuzz-raw\u0002";

    private readonly List<FuzzRequest> _items = [];

    /// <summary>Every operation × every hostile value for each of its inputs, as <paramref name="systematicCaller"/>
    /// (the caller who gets furthest), then random combinations by random callers up to <paramref name="total"/>.
    /// Where that is more than the systematic share of the total, the values that PostgreSQL, .NET or a parser
    /// refuse (NUL, lone surrogates, invalid UTF-8, whole bodies) are all kept and the others are sampled.</summary>
    public IReadOnlyList<FuzzRequest> Generate(IReadOnlyList<FuzzOperation> operations, int total, string systematicCaller)
    {
        var systematic = new List<(Action Add, bool Critical)>();
        foreach (var operation in operations)
        {
            foreach (var caller in _callers)
            {
                systematic.Add((() => Add(operation, caller, "plausible", _ => { }), true));
            }

            foreach (var parameter in operation.Parameters)
            {
                foreach (var value in ValuesFor(parameter.Schema, inUrl: parameter.In != ParameterLocation.Header))
                {
                    systematic.Add((() => Add(operation, systematicCaller, $"{parameter.In} {parameter.Name} ← {Describe(value)}", r => r.SetParameter(parameter, value)), IsCritical(value)));
                }
            }

            foreach (var member in Members(operation.Body, [], 0))
            {
                foreach (var value in JsonValues)
                {
                    systematic.Add((() => Add(operation, systematicCaller, $"body {member.Path} ← {Describe(value)}", r => r.SetMember(member, value)), IsCritical(value)));
                }

                if (member.IsMap)
                {
                    foreach (var key in HostileText.Take(12).Concat(LoneSurrogates))
                    {
                        var raw = LoneSurrogates.Contains(key);
                        systematic.Add((() => Add(operation, systematicCaller, $"body {member.Path} key ← {Describe(key)}", r => r.AddKey(member, key, raw)), true));
                    }
                }
            }

            if (operation.HasBody)
            {
                foreach (var (text, contentType) in HostileBodies)
                {
                    systematic.Add((() => Add(operation, systematicCaller, $"whole body {contentType}: {Describe(text ?? "(none)")}", r => r.ReplaceBody(text, contentType)), true));
                }
            }
        }

        var budget = (int)(total * SystematicShare);
        var critical = systematic.Count(s => s.Critical);
        var keep = Math.Max(0, budget - critical) / (double)Math.Max(1, systematic.Count - critical);
        foreach (var (add, isCritical) in systematic)
        {
            if (isCritical || _random.NextDouble() < keep)
            {
                add();
            }
        }

        while (_items.Count < total)
        {
            var operation = operations[_random.Next(operations.Count)];
            var caller = _callers[_random.Next(_callers.Count)];
            var hostile = new List<string>();
            Add(operation, caller, "random", r =>
            {
                foreach (var parameter in operation.Parameters.Where(_ => _random.Next(3) == 0))
                {
                    var value = Pick(ValuesFor(parameter.Schema, parameter.In != ParameterLocation.Header));
                    r.SetParameter(parameter, value);
                    hostile.Add($"{parameter.Name} ← {Describe(value)}");
                }

                var members = Members(operation.Body, [], 0).ToList();
                for (var i = 0; members.Count > 0 && i < 1 + _random.Next(3); i++)
                {
                    var member = members[_random.Next(members.Count)];
                    var value = Pick(JsonValues);
                    r.SetMember(member, value);
                    hostile.Add($"{member.Path} ← {Describe(value)}");
                }

                if (operation.HasBody && _random.Next(8) == 0)
                {
                    var (text, contentType) = Pick(HostileBodies);
                    r.ReplaceBody(text, contentType);
                    hostile.Add($"whole body {Describe(text ?? "(none)")}");
                }
            }, () => "random: " + string.Join("; ", hostile));
        }

        return _items;
    }

    private void Add(FuzzOperation operation, string caller, string target, Action<RequestDraft> mutate, Func<string>? describe = null)
    {
        var draft = new RequestDraft(this, operation);
        mutate(draft);
        var (body, contentType) = draft.BodyBytes();
        var headers = operation.Parameters.Where(p => p.In == ParameterLocation.Header)
            .Select(p => new KeyValuePair<string, string>(p.Name!, draft.Parameters[p.Name!].Text)).ToList();
        _items.Add(new FuzzRequest(_items.Count, operation.Name, describe?.Invoke() ?? target, caller, operation.Method, draft.Url(), body, contentType, headers));
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private static bool IsCritical(FuzzValue value) =>
        value.Text.Contains('\0', StringComparison.Ordinal)
        || value.Text.Contains("\\u0000", StringComparison.Ordinal)
        || value.Text.Contains("\\ud", StringComparison.Ordinal)
        || (value.Raw && (value.Text.Contains("%00", StringComparison.Ordinal) || value.Text.StartsWith("%ED", StringComparison.Ordinal) || value.Text.StartsWith("%C0", StringComparison.Ordinal)));

    // ------------------------------------------------------------------ values

    /// <summary>A parameter value (text to encode, or with <see cref="Raw"/> text already in its final URL form), or
    /// a body member's JSON text.</summary>
    internal sealed record FuzzValue(string Text, bool Raw = false);

    private IReadOnlyList<FuzzValue> ValuesFor(IOpenApiSchema? schema, bool inUrl)
    {
        var type = TypeOf(schema);
        var values = new List<FuzzValue>();
        if (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number))
        {
            values.AddRange(HostileIntegers.Select(v => new FuzzValue(v)));
        }
        else if (type.HasFlag(JsonSchemaType.Boolean))
        {
            values.AddRange(new[] { "yes", "2", "", "TRUE", "null", "\0" }.Select(v => new FuzzValue(v)));
        }

        values.AddRange(HostileText.Select(v => new FuzzValue(v)));
        if (inUrl)
        {
            values.AddRange(RawUrlValues.Select(v => new FuzzValue(v, Raw: true)));
        }

        return values;
    }

    /// <summary>JSON text for any body member, whatever its type: hostile strings (escaped as JSON), lone surrogates,
    /// values of the wrong type or out of range.</summary>
    private static readonly FuzzValue[] JsonValues =
    [
        .. HostileText.Select(v => new FuzzValue(JsonValue.Create(v)!.ToJsonString())),
        .. LoneSurrogates.Select(v => new FuzzValue($"\"{v}\"")),
        .. HostileJson.Select(v => new FuzzValue(v)),
    ];

    /// <summary>The schema behind a nullable wrapper (<c>allOf</c>/<c>oneOf</c>/<c>anyOf</c> of one schema and null).</summary>
    private static IOpenApiSchema? Resolve(IOpenApiSchema? schema)
    {
        for (var i = 0; i < 4 && schema is { Type: null or JsonSchemaType.Null, Properties: not { Count: > 0 } }; i++)
        {
            var inner = (schema.AllOf ?? schema.OneOf ?? schema.AnyOf)?.FirstOrDefault(s => s.Type != JsonSchemaType.Null);
            if (inner is null)
            {
                break;
            }

            schema = inner;
        }

        return schema;
    }

    private static JsonSchemaType TypeOf(IOpenApiSchema? schema)
    {
        schema = Resolve(schema);
        return (schema?.Type ?? (schema?.Properties?.Count > 0 || schema?.AdditionalProperties is not null ? JsonSchemaType.Object : 0)) & ~JsonSchemaType.Null;
    }

    private static string Describe(FuzzValue value) => Describe(value.Text) + (value.Raw ? " (raw)" : "");

    /// <summary>A value as a failure message can show it: control characters and surrogates escaped, long ones cut.</summary>
    private static string Describe(string text)
    {
        var shown = string.Concat(text.Take(40).Select(c => c < ' ' || c is '\u007f' or '\u0085' || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return text.Length > 40 ? $"{shown}… ({text.Length} chars)" : shown;
    }

    private static string Nested(char open, char close, int depth) => new string(open, depth) + new string(close, depth);

    private static string NestedObjects(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    // ------------------------------------------------------------------ body schema

    /// <summary>A member of a JSON body: where it is (names, <c>0</c> for an array's item, <c>*</c> for a map's entry) and its schema.</summary>
    internal sealed record BodyMember(IReadOnlyList<string> Segments, IOpenApiSchema? Schema, bool IsMap)
    {
        public string Path => Segments.Count == 0 ? "$" : string.Join('.', Segments);
    }

    /// <summary>The body itself and every member below it, to a depth of four.</summary>
    private static IEnumerable<BodyMember> Members(IOpenApiSchema? schema, IReadOnlyList<string> at, int depth)
    {
        schema = Resolve(schema);
        if (schema is null || depth > 4)
        {
            yield break;
        }

        var isMap = schema.AdditionalProperties is not null && schema.Properties is not { Count: > 0 };
        yield return new BodyMember(at, schema, isMap);
        foreach (var (name, property) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            foreach (var member in Members(property, [.. at, name], depth + 1))
            {
                yield return member;
            }
        }

        if (schema.Items is { } items)
        {
            foreach (var member in Members(items, [.. at, "0"], depth + 1))
            {
                yield return member;
            }
        }

        if (isMap)
        {
            foreach (var member in Members(schema.AdditionalProperties, [.. at, "*"], depth + 1))
            {
                yield return member;
            }
        }
    }

    /// <summary>A plausible instance of a schema: its example where it has one, else one value of each member.</summary>
    private JsonNode? Plausible(IOpenApiSchema? schema, int depth)
    {
        schema = Resolve(schema);
        if (schema is null)
        {
            return new JsonObject();
        }

        if (schema.Example is { } example)
        {
            return Unreachable(example.DeepClone());
        }

        if (schema.Enum is { Count: > 0 } values)
        {
            return values[_random.Next(values.Count)]?.DeepClone();
        }

        var type = TypeOf(schema);
        if (type.HasFlag(JsonSchemaType.Object) || type == 0)
        {
            var result = new JsonObject();
            if (depth < 5)
            {
                foreach (var (name, property) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
                {
                    result[name] = Plausible(property, depth + 1);
                }

                if (schema.AdditionalProperties is { } entries && schema.Properties is not { Count: > 0 })
                {
                    result["KEY_" + _random.Next(3)] = Plausible(entries, depth + 1);
                }
            }

            return result;
        }

        if (type.HasFlag(JsonSchemaType.Array))
        {
            return new JsonArray(Plausible(schema.Items, depth + 1));
        }

        if (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number))
        {
            return 1 + _random.Next(20);
        }

        if (type.HasFlag(JsonSchemaType.Boolean))
        {
            return _random.Next(2) == 0;
        }

        return schema.Format switch
        {
            "uri" or "url" => UnreachableUrl,
            "date-time" => "2026-01-01T00:00:00Z",
            _ => PlausibleWord(),
        };
    }

    private string PlausibleWord() => _plausibleWords[_random.Next(_plausibleWords.Count)];

    /// <summary>Points every URL of an example at a host that does not exist, so that nothing is ever connected to.</summary>
    private static JsonNode? Unreachable(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    o[key] = Unreachable(o[key]?.DeepClone());
                }

                return o;
            case JsonArray a:
                return new JsonArray([.. a.Select(i => Unreachable(i?.DeepClone()))]);
            case JsonValue v when v.TryGetValue<string>(out var s) && (s.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("https://", StringComparison.OrdinalIgnoreCase)):
                return UnreachableUrl;
            default:
                return node;
        }
    }

    // ------------------------------------------------------------------ one request being built

    private sealed class RequestDraft
    {
        private readonly OpenApiFuzzCorpus _corpus;
        private readonly FuzzOperation _operation;
        private readonly Random _random;
        private readonly List<string> _raw = [];
        private readonly HashSet<string> _hostile = new(StringComparer.Ordinal);
        private JsonNode? _body;
        private (string? Text, string? ContentType)? _replacedBody;

        public RequestDraft(OpenApiFuzzCorpus corpus, FuzzOperation operation)
        {
            _corpus = corpus;
            _operation = operation;
            _random = corpus._random;
            foreach (var parameter in operation.Parameters)
            {
                Parameters[parameter.Name!] = new FuzzValue(PlausibleParameter(parameter));
            }

            _body = operation.HasBody ? corpus.Plausible(operation.Body, 0) : null;
        }

        public Dictionary<string, FuzzValue> Parameters { get; } = new(StringComparer.Ordinal);

        public void SetParameter(IOpenApiParameter parameter, FuzzValue value)
        {
            Parameters[parameter.Name!] = value;
            _hostile.Add(parameter.Name!);
        }

        private string PlausibleParameter(IOpenApiParameter parameter)
        {
            var type = TypeOf(parameter.Schema);
            if (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number))
            {
                return (1 + _random.Next(50)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return type.HasFlag(JsonSchemaType.Boolean) ? "true" : _corpus.PlausibleWord();
        }

        public void SetMember(BodyMember member, FuzzValue value)
        {
            if (member.Segments.Count == 0)
            {
                _body = Marker(value.Text);
                return;
            }

            var parent = Walk(member.Segments.Take(member.Segments.Count - 1));
            var last = member.Segments[^1];
            switch (parent)
            {
                case JsonObject o when last == "*":
                    o["KEY_" + _random.Next(3)] = Marker(value.Text);
                    break;
                case JsonObject o:
                    o[last] = Marker(value.Text);
                    break;
                case JsonArray a:
                    a.Clear();
                    a.Add(Marker(value.Text));
                    break;
            }
        }

        public void AddKey(BodyMember map, string key, bool raw)
        {
            if (Walk(map.Segments) is JsonObject o)
            {
                if (raw)
                {
                    // A lone surrogate cannot live in a .NET string as JSON would carry it: spliced in as text.
                    _raw.Add($"\"{key}\"");
                    o[RawMarker + (_raw.Count - 1)] = "v";
                }
                else
                {
                    o[key] = "v";
                }
            }
        }

        public void ReplaceBody(string? text, string? contentType) => _replacedBody = (text, contentType);

        /// <summary>Follows (and where missing, creates) the objects and arrays down a member's path.</summary>
        private JsonNode? Walk(IEnumerable<string> segments)
        {
            _body ??= new JsonObject();
            var node = _body;
            foreach (var segment in segments)
            {
                node = node switch
                {
                    JsonObject o when segment == "*" => o.FirstOrDefault().Value ?? (o["KEY_0"] = new JsonObject()),
                    JsonObject o => o[segment] is JsonObject or JsonArray ? o[segment] : o[segment] = LooksLikeIndex(segment) ? new JsonArray() : new JsonObject(),
                    JsonArray a => a.Count > 0 && a[0] is JsonObject or JsonArray ? a[0] : Replace(a, new JsonObject()),
                    _ => node,
                };
            }

            return node;
        }

        private static bool LooksLikeIndex(string segment) => segment == "0";

        private static JsonNode Replace(JsonArray array, JsonNode item)
        {
            array.Clear();
            array.Add(item);
            return item;
        }

        /// <summary>JSON text goes in through a marker replaced after serialisation, so any text (invalid JSON,
        /// lone surrogates, numbers .NET cannot hold) reaches the wire as written.</summary>
        private JsonValue Marker(string json)
        {
            _raw.Add(json);
            return JsonValue.Create(RawMarker + (_raw.Count - 1))!;
        }

        public (byte[]? Body, string? ContentType) BodyBytes()
        {
            if (_replacedBody is { } replaced)
            {
                if (replaced.Text is null)
                {
                    return (null, replaced.ContentType);
                }

                var encoding = replaced.ContentType?.Contains("utf-16", StringComparison.Ordinal) == true ? Encoding.Unicode : Encoding.UTF8;
                return (encoding.GetBytes(replaced.Text), replaced.ContentType);
            }

            if (!_operation.HasBody)
            {
                return (null, null);
            }

            var text = _body?.ToJsonString() ?? "null";
            for (var i = _raw.Count - 1; i >= 0; i--)
            {
                var marker = JsonValue.Create(RawMarker + i)!.ToJsonString();
                text = text.Replace(marker, _raw[i], StringComparison.Ordinal);
            }

            return (Encoding.UTF8.GetBytes(text), "application/json");
        }

        public string Url()
        {
            var path = _operation.Path;
            var query = new List<string>();
            foreach (var parameter in _operation.Parameters)
            {
                var value = Parameters[parameter.Name!];
                var encoded = value.Raw ? value.Text : Uri.EscapeDataString(value.Text);
                if (parameter.In == ParameterLocation.Path)
                {
                    path = path.Replace("{" + parameter.Name + "}", encoded, StringComparison.Ordinal);
                }
                else if (parameter.In == ParameterLocation.Query && (parameter.Required || _hostile.Contains(parameter.Name!) || _random.Next(2) == 0))
                {
                    query.Add(Uri.EscapeDataString(parameter.Name!) + "=" + encoded);
                }
            }

            return query.Count == 0 ? path : path + "?" + string.Join('&', query);
        }
    }
}
