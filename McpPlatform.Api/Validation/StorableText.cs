using System.Text.Json;
using System.Text.Unicode;
using McpPlatform.Api.Errors;
using McpPlatform.Domain.Common;

namespace McpPlatform.Api.Validation;

/// <summary>
/// Text that PostgreSQL cannot store: U+0000 (refused in <c>text</c> and, even escaped, in <c>jsonb</c>), and UTF-16
/// that is not Unicode — a lone surrogate, which Npgsql's strict UTF-8 encoder throws on and System.Text.Json refuses to
/// read as a string (invalid UTF-8 in a JSON body is the same thing seen earlier). Such text is never a name, a URL or a
/// search term anyone means, so it is refused wherever a request carries it (see <see cref="StorableTextMiddleware"/>).
/// </summary>
public static class StorableText
{
    public const string Code = "invalid_string";

    /// <summary>Why the value cannot be stored, or null when it can.</summary>
    public static string? Problem(string? value)
    {
        var text = value.AsSpan();
        if (text.Contains('\0'))
        {
            return "must not contain the character U+0000 (NUL)";
        }

        // A surrogate is fine only as a high one followed by a low one.
        for (var at = text.IndexOfAnyInRange('\uD800', '\uDFFF'); at >= 0;)
        {
            if (!char.IsHighSurrogate(text[at]) || at + 1 >= text.Length || !char.IsLowSurrogate(text[at + 1]))
            {
                return "must not contain a lone UTF-16 surrogate";
            }

            var next = text[(at + 2)..].IndexOfAnyInRange('\uD800', '\uDFFF');
            at = next < 0 ? -1 : at + 2 + next;
        }

        return null;
    }

    /// <summary>The first string (member name or value) of a JSON document that cannot be stored, with its path
    /// (e.g. <c>config.headers.X-Key</c>, <c>updated[0].id</c>); null when there is none. Reading stops quietly where
    /// the document stops being JSON (or nests deeper than model binding reads): the binder reports that itself.</summary>
    public static FieldError? FindInJson(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 64 });
        var path = new List<Step>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (StringProblem(ref reader) is { } nameProblem)
                        {
                            return new FieldError(PathOf(path, Sanitized(ref reader)), $"Member names {nameProblem}", Code);
                        }

                        path[^1] = path[^1] with { Name = reader.GetString() };
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        NextItem(path);
                        path.Add(new Step(reader.TokenType == JsonTokenType.StartArray, -1, null));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        break;
                    case JsonTokenType.String:
                        NextItem(path);
                        if (StringProblem(ref reader) is { } valueProblem)
                        {
                            return new FieldError(PathOf(path, null), $"Values {valueProblem}", Code);
                        }

                        break;
                    default:
                        NextItem(path);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON after all (or deeper than model binding reads): the binder says what is wrong with it.
        }

        return null;
    }

    private readonly record struct Step(bool IsArray, int Index, string? Name);

    private static void NextItem(List<Step> path)
    {
        if (path.Count > 0 && path[^1].IsArray)
        {
            path[^1] = path[^1] with { Index = path[^1].Index + 1 };
        }
    }

    /// <summary>Unescaped text is only checked for valid UTF-8 (a raw NUL is not JSON); escaped text is decoded, and
    /// System.Text.Json refuses to decode an escaped lone surrogate.</summary>
    private static string? StringProblem(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return Utf8.IsValid(reader.ValueSpan) ? null : "must be valid UTF-8";
        }

        try
        {
            return Problem(reader.GetString());
        }
        catch (InvalidOperationException)
        {
            return "must not contain a lone UTF-16 surrogate";
        }
    }

    /// <summary>A member name fit for a message: what could be decoded of it, control characters replaced.</summary>
    private static string Sanitized(ref Utf8JsonReader reader)
    {
        try
        {
            return LogValue.Sanitize(reader.GetString());
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    private static string PathOf(List<Step> path, string? lastName)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < path.Count; i++)
        {
            var step = path[i];
            var segment = step.IsArray ? (step.Index >= 0 ? $"[{step.Index}]" : null) : (i == path.Count - 1 && lastName is not null ? lastName : step.Name);
            if (segment is null)
            {
                continue;
            }

            if (text.Length > 0 && !step.IsArray)
            {
                text.Append('.');
            }

            text.Append(segment);
        }

        return text.Length == 0 ? "$" : LogValue.Sanitize(text.ToString());
    }
}
