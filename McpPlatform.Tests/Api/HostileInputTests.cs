using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using McpPlatform.Api.Auth;
using McpPlatform.Tests.Fixtures;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpPlatform.Tests.Api;

/// <summary>
/// A generated corpus of more than 10,000 hostile requests over every route (malformed JSON, wrong types, huge and
/// deeply nested bodies, control characters and Unicode confusables in names, path traversal, invalid, javascript:,
/// file: and private-address URLs, header injection, oversized headers, forged, expired and alg:none JWTs), sent
/// through the in-process host with bounded concurrency. Asserted: no 5xx, no request slower than 10 s, every 4xx
/// under <c>/api</c> a ProblemDetails (the OAuth callback: a 302 to <c>/oauth/error?error=…</c>), and the database
/// unchanged — every request of the corpus is built so that a correct server refuses it (or, for harmless routes
/// such as cancel or the listings, changes nothing), so users, servers, ACL entries, credential variables and tokens
/// must be exactly as before.
/// <para>TestServer is not Kestrel: the 1 MiB body limit and Kestrel's header limits are not applied in process, so
/// oversized bodies and headers are only held to "no 5xx" (any 2xx or 4xx is accepted for them, and a 4xx must
/// still be a ProblemDetails when the application produced it).</para>
/// </summary>
public sealed class HostileInputTests : ApiTest
{
    private const int Seed = 20261124;
    private const int MinimumRequests = 10_000;
    private const int Concurrency = 8;
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    private const string BaseName = "hostile-base";
    private const string GoodUrl = "https://unreachable.invalid/mcp";
    private const string PrivateUrl = "http://127.0.0.1:6379/mcp";

    private enum BodyKind { None, ServerConfig, Sharing, Plugins, RolePatch, ToolCall, Empty }

    private sealed record RouteTemplate(string Method, string Path, BodyKind Body, bool Query = false);

    /// <summary>Every route of the application, with placeholders {name}, {tool}, {flow}, {id}, {role}.</summary>
    private static readonly RouteTemplate[] Routes =
    [
        new("GET", "/api/mcp/servers", BodyKind.None, Query: true),
        new("POST", "/api/mcp/servers", BodyKind.ServerConfig),
        new("GET", "/api/mcp/servers/{name}", BodyKind.None),
        new("PATCH", "/api/mcp/servers/{name}", BodyKind.ServerConfig),
        new("DELETE", "/api/mcp/servers/{name}", BodyKind.None),
        new("GET", "/api/mcp/tools", BodyKind.None, Query: true),
        new("GET", "/api/mcp/connection/status", BodyKind.None, Query: true),
        new("GET", "/api/mcp/connection/status/{name}", BodyKind.None),
        new("POST", "/api/mcp/{name}/reinitialize", BodyKind.Empty),
        new("GET", "/api/mcp/{name}/auth-values", BodyKind.None),
        new("POST", "/api/mcp/{name}/tools/{tool}/call", BodyKind.ToolCall),
        new("POST", "/api/user/plugins", BodyKind.Plugins),
        new("GET", "/api/mcp/{name}/oauth/initiate", BodyKind.None, Query: true),
        new("GET", "/api/mcp/{name}/oauth/callback", BodyKind.None, Query: true),
        new("GET", "/api/mcp/oauth/tokens/{flow}", BodyKind.None),
        new("GET", "/api/mcp/oauth/status/{flow}", BodyKind.None),
        new("POST", "/api/mcp/oauth/cancel/{name}", BodyKind.Empty),
        new("DELETE", "/api/mcp/{name}/oauth/tokens", BodyKind.None),
        new("GET", "/api/permissions/mcpServer/roles", BodyKind.None, Query: true),
        new("GET", "/api/permissions/mcpServer/effective/all", BodyKind.None, Query: true),
        new("GET", "/api/permissions/mcpServer/{id}/effective", BodyKind.None),
        new("GET", "/api/permissions/mcpServer/{id}", BodyKind.None),
        new("PUT", "/api/permissions/mcpServer/{id}", BodyKind.Sharing),
        new("GET", "/api/permissions/search-principals", BodyKind.None, Query: true),
        new("GET", "/api/roles/{role}", BodyKind.None),
        new("PUT", "/api/roles/{role}/mcp-servers", BodyKind.RolePatch),
        new("GET", "/api/admin/audit", BodyKind.None, Query: true),
        new("GET", "/oauth/success", BodyKind.None, Query: true),
        new("GET", "/oauth/error", BodyKind.None, Query: true),
        new("GET", "/oauth/client-metadata.json", BodyKind.None, Query: true),
    ];

    /// <summary>Path segments (already percent-encoded where a raw character could not travel in a URL).</summary>
    private static readonly string[] HostileSegments =
    [
        "..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fadmin%2faudit", "..%5C..%5Cwindows", "....//....//etc", "%252e%252e%252f",
        "%00", "a%00b", "no-such%0d%0aSet-Cookie:%20x=1", "%0a", "%09tab", "%7F", "%1b%5b31m",
        Uri.EscapeDataString("pаypal"), Uri.EscapeDataString("ｆｕｌｌｗｉｄｔｈ"), Uri.EscapeDataString("\u202Eevil"), Uri.EscapeDataString("a\u200Bb"),
        Uri.EscapeDataString("😀"), Uri.EscapeDataString("İstanbul"), Uri.EscapeDataString("ß"), Uri.EscapeDataString("\uFEFFbom"),
        "%ff%fe", "%c0%af", "%e0%80%af", "%", "%zz", "%%", "'%20OR%201=1--", "%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "$%7Bjndi:ldap:%2F%2Fevil%7D", "%7B%7BVAR%7D%7D", "__proto__", "constructor", "servers", "tools", "oauth", "connection",
        new string('a', 300), new string('x', 5000), "-", "_", "~", ".", "%20", "+", "a;b", "a,b", "null", "undefined", "NaN",
        "-1", "0", "99999999999999999999999", "00000000-0000-0000-0000-000000000000", "6f1f9a53-0b7e-4c1e-9a59-3d0c7f1e2a10",
        "6F1F9A53-0B7E-4C1E-9A59-3D0C7F1E2A10%00", "{6f1f9a53-0b7e-4c1e-9a59-3d0c7f1e2a10}", "bob:no-such-server", "alice:..%2F..", ":", "alice:",
    ];

    private static readonly string[] HostileQueries =
    [
        "limit=-1", "limit=0", "limit=101", "limit=abc", "limit=99999999999999999999", "limit=1e3", "limit=%00", "limit=1&limit=2",
        "cursor=%00", "cursor=AAAA", "cursor=eyJ9", "cursor=" + new string('A', 4000), "cursor=-1", "cursor=..%2F..",
        "search=a", "search=%25", "search=_", "search=%5C", "search=" + new string('s', 5000), "search=%E2%80%AE", "search='%20OR%201=1--",
        "q=%00", "q=<script>", "q=" + new string('q', 3000), "q=a&limit=-5", "q=al&limit=abc", "q=al&types=evil", "q=al&types=user,,,group,%00",
        "resource=%00", "actor=%27", "limit=201", "limit=0",
        "code=x", "state=x", "code=x&state=%00", "code=x&state=" + new string('s', 3000), "error=access_denied%0d%0aLocation:%20https://evil",
        "error=%3Cscript%3E", "iss=javascript:alert(1)", "code=x&state=alice:hostile-base", "code=x&state=x&iss=https://evil.example",
        "userId=bob", "userId=%00", "flowId=..%2F..%2Fx", "flowId=alice:" + new string('z', 2000), "flowId=bob:x",
        "serverName=%3Cscript%3Ealert(1)%3C/script%3E", "serverName=%0d%0a", "a=" + new string('b', 8000), "%=%", "&&&", "==",
    ];

    private static readonly string[] HostileUrls =
    [
        "javascript:alert(1)", "file:///etc/passwd", "ftp://example.com/mcp", "gopher://127.0.0.1:6379/_FLUSHALL", "ws://example.com/mcp",
        "http://127.0.0.1:6379/", "http://localhost/mcp", "http://[::1]/mcp", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/mcp",
        "http://192.168.1.1/mcp", "http://172.16.0.1/mcp", "http://[fd00::1]/mcp", "http://0.0.0.0/mcp", "http://[::ffff:127.0.0.1]/mcp",
        "http://user:pass@127.0.0.1/mcp", "http://metadata.localhost/mcp", "not a url", "", "   ", "http://", "https://",
        "https://" + new string('a', 3000) + ".example/mcp", "data:text/html,<script>alert(1)</script>", "//evil.example/mcp", @"\\evil\share",
        "mcp.example.com/sse", "http://[::1", "http://%00/",
    ];

    private static readonly string[] HostileTitles =
    [
        "A\u0000B", "A\r\nB", "A\tB", "Pаypal", "ｆｕｌｌ", "\u202Eevil", "a\u200Bb", "😀 smile", "<script>", "../../etc", "title;drop table",
        new string('a', 101), new string('é', 50), "ß", "İ",
    ];

    private readonly HostileSender _sender = new(HangLimit);

    /// <summary>Thousands of requests a minute from Alice and Bob must reach validation, not a 429.</summary>
    protected override Task<ApiFactory> StartHostAsync() => TestRun.StartHostileApiAsync();

    [Test]
    public async Task TenThousandHostileRequests_NoServerError_NoHang_ProblemDetails_DatabaseUnchanged()
    {
        await SeeAsync(Alice, Bob);
        var server = await CreateServerAsync(Alice, new { type = "streamable-http", url = GoodUrl, title = "Hostile Base" });
        Assert.That(server["serverName"]!.GetValue<string>(), Is.EqualTo(BaseName));
        var dbId = server["dbId"]!.GetValue<string>();
        var before = await FingerprintAsync();

        var corpus = Generate(dbId);
        Assert.That(corpus, Has.Count.GreaterThanOrEqualTo(MinimumRequests));

        var failures = new ConcurrentQueue<string>();
        var client = As(null);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (item, _) =>
        {
            if (await SendAsync(client, item) is { } failure)
            {
                failures.Enqueue($"#{item.Index} {item.Kind}{(item.Oversized ? " (oversized)" : "")} {item.Method} {Truncate(item.Path, 200)}: {failure}");
            }
        });
        clock.Stop();

        var after = await FingerprintAsync();
        await TestContext.Out.WriteLineAsync($"{corpus.Count} hostile requests in {clock.Elapsed.TotalSeconds:F1} s (slowest {_sender.Slowest.TotalMilliseconds:F0} ms); statuses: {_sender.Summary()}; failures: {failures.Count}");

        using var check = await As(Alice).GetAsync($"/api/mcp/servers/{BaseName}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(failures, Is.Empty, string.Join("\n", failures.Take(60)));
            Assert.That(after, Is.EqualTo(before), "the database changed although every request of the corpus should have been refused");
            Assert.That(check.StatusCode, Is.EqualTo(HttpStatusCode.OK), "Alice's server is still there");
            Assert.That((await ReadJsonAsync(check))["url"]?.GetValue<string>(), Is.EqualTo(GoodUrl));
        }
    }

    /// <summary>A token signed with the real key but without a usable <c>sub</c> is not a caller: PRODUCT §5 says a
    /// missing or invalid JWT is a 401 ProblemDetails. Routes with a plain <c>[Authorize]</c> throw instead.</summary>
    [TestCase("bug:no-sub")]
    [TestCase("bug:empty-sub")]
    [TestCase("bug:blank-sub")]
    public async Task ValidlySignedTokenWithoutUsableSubject_Is401(string variant)
    {
        var client = As(null);
        var token = ValidlySignedOddTokens()[variant];
        var answers = new List<string>();
        foreach (var (method, path) in new[]
        {
            ("GET", "/api/mcp/oauth/tokens/alice:x"), ("GET", "/api/mcp/oauth/status/alice:x"), ("POST", "/api/mcp/oauth/cancel/x"),
            ("GET", "/api/permissions/mcpServer/roles"), ("GET", "/api/permissions/mcpServer/effective/all"),
            ("GET", $"/api/permissions/mcpServer/{Guid.Empty}/effective"), ("GET", $"/api/permissions/mcpServer/{Guid.Empty}"),
            ("GET", "/api/permissions/search-principals?q=al"), ("GET", "/api/roles/USER"), ("GET", "/api/mcp/servers"), ("GET", "/api/admin/audit"),
        })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            request.Headers.TryAddWithoutValidation("Authorization", token);
            using var response = await client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                answers.Add($"{method} {path} → {(int)response.StatusCode} {Truncate(await response.Content.ReadAsStringAsync(), 160)}");
            }
        }

        Assert.That(answers, Is.Empty, string.Join("\n", answers));
    }

    private sealed record Hostile(int Index, string Kind, string Method, string Path, byte[]? Body, string? ContentType, IReadOnlyList<KeyValuePair<string, string>> Headers, string? Authorization, bool Oversized)
    {
        public bool IsCallback => Path.Contains("/oauth/callback", StringComparison.Ordinal);
    }

    private async Task<string?> SendAsync(HttpClient client, Hostile item)
    {
        using var request = new HttpRequestMessage(new HttpMethod(item.Method), item.Path);
        if (item.Body is not null)
        {
            request.Content = new ByteArrayContent(item.Body);
            if (item.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", item.ContentType);
            }
        }

        if (item.Authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", item.Authorization);
        }

        foreach (var (name, value) in item.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var answer = await _sender.SendAsync(client, request);
        using var response = answer.Response;
        if (answer.Failure is not null || response is null)
        {
            return answer.Failure;
        }

        var (status, text) = (answer.Status, answer.Text);
        if (item.IsCallback && item.Path.StartsWith("/api/mcp/", StringComparison.Ordinal) && status != 401)
        {
            var location = response.Headers.Location?.OriginalString ?? string.Empty;
            if (status != 302 || !location.Contains("/oauth/error?error=", StringComparison.Ordinal))
            {
                // A hostile name may route elsewhere (e.g. a traversal); only the callback itself must redirect.
                return status is 302 ? $"callback redirected to {location}" : HostileSender.IsProblem(response, text, status) ? null : $"callback answered {status} {Truncate(text, 200)}";
            }

            return null;
        }

        if (status >= 400 && item.Path.StartsWith("/api", StringComparison.Ordinal) && !HostileSender.IsProblem(response, text, status))
        {
            return $"{status} is not a ProblemDetails: {response.Content.Headers.ContentType} {Truncate(text, 300)}";
        }

        return null;
    }

    private static string Truncate(string text, int max) => HostileSender.Truncate(text, max);

    private static async Task<string> FingerprintAsync()
    {
        var parts = new List<string> { "users=" + await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM users") };
        foreach (var table in new[] { "mcp_servers", "acl_entries", "credential_variables", "oauth_tokens" })
        {
            var count = await TestDatabase.ScalarAsync<long>($"SELECT count(*) FROM {table}");
            var digest = await TestDatabase.ScalarAsync<string>($"SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM {table} t");
            parts.Add($"{table}={count}:{digest}");
        }

        return string.Join(" ", parts);
    }

    // ---------------------------------------------------------------- generation

    private sealed class Generator(Random random, string dbId, string[] forgedTokens, string aliceToken, string bobToken)
    {
        public List<Hostile> Items { get; } = [];

        /// <summary>The raw bodies are built once and shared (some are megabytes).</summary>
        private readonly (byte[]? Body, string? ContentType, bool Oversized)[] _rawBodies = [.. Enumerable.Range(0, 30).Select(RawBodyOf)];

        private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

        /// <summary>One request from a template; <paramref name="focus"/> says which part is hostile (the rest plausible).</summary>
        public void Add(RouteTemplate route, string focus, int variant)
        {
            var auth = route.Path.StartsWith("/oauth/", StringComparison.Ordinal) || route.Path.EndsWith("/callback", StringComparison.Ordinal)
                ? (random.Next(2) == 0 ? null : "Bearer " + aliceToken)
                : random.Next(10) switch { < 6 => "Bearer " + aliceToken, < 8 => "Bearer " + bobToken, 8 => null, _ => Pick(forgedTokens) };
            var headers = new List<KeyValuePair<string, string>>();
            var oversized = false;
            var path = route.Path;
            byte[]? body = null;
            string? contentType = null;

            string Segment(string placeholder) => focus == "segment" ? Pick(HostileSegments) : placeholder switch
            {
                // Plausible values that still lead to a refusal or to nothing: never Alice's server on a route that
                // would change it or connect to it.
                "{name}" => route.Method == "GET" && route.Path.StartsWith("/api/mcp/servers/", StringComparison.Ordinal) || route.Method == "PATCH" ? BaseName : "no-such-server",
                "{id}" => random.Next(3) == 0 ? Guid.NewGuid().ToString() : dbId,
                "{flow}" => "alice:" + BaseName,
                "{role}" => random.Next(2) == 0 ? "USER" : "admin",
                _ => "echo",
            };

            foreach (var placeholder in new[] { "{name}", "{tool}", "{flow}", "{id}", "{role}" })
            {
                if (path.Contains(placeholder, StringComparison.Ordinal))
                {
                    path = path.Replace(placeholder, Segment(placeholder), StringComparison.Ordinal);
                }
            }

            if (focus == "query" || (route.Query && random.Next(3) == 0))
            {
                path += "?" + Pick(HostileQueries);
            }

            if (route.Body != BodyKind.None)
            {
                (body, contentType, var big) = focus == "body" ? _rawBodies[variant % 30] : TypedBody(route, variant);
                oversized |= big;
                if (route.Body == BodyKind.Empty && focus != "body" && random.Next(2) == 0)
                {
                    body = null;
                }
            }

            if (focus == "header" || random.Next(5) == 0)
            {
                oversized |= AddHeaders(headers, variant);
            }

            if (focus == "auth")
            {
                auth = Pick(forgedTokens);
            }

            Items.Add(new Hostile(Items.Count, $"{focus}/{variant}", route.Method, path, body, contentType, headers, auth, oversized));
        }

        private static (byte[]? Body, string? ContentType, bool Oversized) Json(string text, string contentType = "application/json") =>
            (Encoding.UTF8.GetBytes(text), contentType, text.Length > 1 << 20);

        /// <summary>Malformed or hostile raw bodies (any route with a body refuses each of them).</summary>
        private static (byte[]? Body, string? ContentType, bool Oversized) RawBodyOf(int variant) => variant switch
        {
            0 => Json(""),
            1 => Json("{"),
            2 => Json("}"),
            3 => Json("{\"config\":"),
            4 => Json("{\"config\":{\"url\":"),
            5 => Json("{\"config\":{},}"),
            6 => Json("{'config':{}}"),
            7 => Json("NaN"),
            8 => Json("undefined"),
            9 => Json(new string('[', 10_000) + new string(']', 10_000)),
            10 => Json(string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_000)),
            11 => Json("{\"config\":{\"type\":\"streamable-http\",\"url\":\"" + PrivateUrl + "\",\"title\":\"" + new string('a', 2 * 1024 * 1024) + "\"}}"),
            12 => Json("[" + string.Join(",", Enumerable.Range(0, 100_000)) + "]"),
            13 => ([0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}', 0xFF, 0xFE], "application/json", false),
            14 => ([0xFF, 0xFE, 0xFD, 0x00, 0x01, 0x80, 0xC0, 0xAF], "application/json", false),
            15 => (Encoding.Unicode.GetBytes("{\"config\":{\"url\":\"" + PrivateUrl + "\"}}"), "application/json; charset=utf-16", false),
            16 => Json("{\"config\":{\"url\":\"" + PrivateUrl + "\"}}", "text/plain"),
            17 => Json("config=1&url=" + Uri.EscapeDataString(PrivateUrl), "application/x-www-form-urlencoded"),
            18 => Json("<config><url>file:///etc/passwd</url></config>", "application/xml"),
            19 => Json("{\"config\":{\"url\":\"" + PrivateUrl + "\"}}", "application/json; charset=utf-7"),
            20 => Json("/* comment */ {\"config\":{\"url\":\"" + PrivateUrl + "\"}}"),
            21 => Json("{\"config\":1e999999}"),
            22 => Json("{\"config\":{\"url\":\"\\ud800\"}}"),
            23 => Json("{\"config\":{\"url\":\"\\u0000\"}}"),
            24 => Json("{\"config\":\"" + new string('\\', 4001) + "\"}"),
            25 => Json("\"string\""),
            26 => Json("12345678901234567890123456789012345678901234567890"),
            27 => Json("--boundary\r\nContent-Disposition: form-data; name=\"config\"\r\n\r\n{}\r\n--boundary--", "multipart/form-data; boundary=boundary"),
            28 => (null, "application/json", false),
            _ => Json("{\"config\":{\"url\":\"" + PrivateUrl + "\"}}", "application/octet-stream"),
        };

        /// <summary>Well-formed JSON of the route's shape with hostile values, each of which the route must refuse.</summary>
        private (byte[]? Body, string? ContentType, bool Oversized) TypedBody(RouteTemplate route, int variant) => route.Body switch
        {
            BodyKind.ServerConfig => Json(new JsonObject { ["config"] = HostileConfig(variant) }.ToJsonString()),
            BodyKind.Sharing => Json(HostileSharing(variant)),
            BodyKind.Plugins => Json(HostilePlugins(variant)),
            BodyKind.RolePatch => Json(Pick(new[] { "{\"USE\":\"yes\"}", "{\"use\":1}", "{\"ADMIN\":true}", "[]", "{\"USE\":null}", "{\"SHARE_PUBLIC\":true}", "{\"USE\":false}" })),
            BodyKind.ToolCall => Json(Pick(new[]
            {
                "{\"arguments\":\"x\"}", "{\"arguments\":[1,2]}", "{\"arguments\":null}", "{}", "{\"arguments\":{\"__proto__\":{\"admin\":true}}}",
                "{\"arguments\":" + new string('[', 60) + new string(']', 60) + "}", "{\"arguments\":{\"text\":\"" + new string('z', 200_000) + "\"}}",
            })),
            BodyKind.Empty => Json(Pick(new[] { "", "{}", "null", "[]", "{\"x\":" })),
            _ => (null, null, false),
        };

        private JsonNode? HostileConfig(int variant)
        {
            JsonObject Config(string url, string? title = "Hostile Config") => new() { ["type"] = "streamable-http", ["url"] = url, ["title"] = title };
            switch (variant % 14)
            {
                case 0:
                case 1:
                case 2:
                    return Config(Pick(HostileUrls));
                case 3:
                    return Config(GoodUrl, Pick(HostileTitles));
                case 4:
                    return Pick(new JsonNode?[] { "str", 1, new JsonArray(), true, null, new JsonObject() });
                case 5:
                    {
                        var c = Config(GoodUrl);
                        c[Pick(new[] { "url", "title", "headers", "type", "customUserVars", "oauth", "description", "iconPath" })] = Pick(new JsonNode?[] { 123, new JsonArray(1, 2), true, "\u0000" });
                        c["url"] = c["url"] is JsonValue v && v.TryGetValue<string>(out var s) && s == GoodUrl ? PrivateUrl : c["url"]?.DeepClone();
                        return c;
                    }

                case 6:
                    {
                        var c = Config(GoodUrl);
                        c["iconPath"] = Pick(new[] { "javascript:alert(1)", "data:text/html,<script>", "file:///etc/passwd", "vbscript:x" });
                        return c;
                    }

                case 7:
                    {
                        var c = Config(GoodUrl);
                        c["description"] = new string('d', 1001);
                        return c;
                    }

                case 8:
                    {
                        var c = Config(GoodUrl);
                        var headers = new JsonObject();
                        for (var i = 0; i < 51; i++)
                        {
                            headers[$"X-H{i}"] = "v";
                        }

                        c["headers"] = headers;
                        return c;
                    }

                case 9:
                    {
                        // Header injection and odd names: refused by the private URL whatever the headers' fate.
                        var c = Config(PrivateUrl);
                        c["headers"] = new JsonObject { ["X-A\r\nInjected"] = "1", ["X-B"] = "a\r\nSet-Cookie: x=1", ["Authorization"] = "Bearer " + new string('t', 20_000), [""] = "empty" };
                        return c;
                    }

                case 10:
                    {
                        var c = Config(GoodUrl);
                        c["type"] = Pick(new[] { "stdio", "websocket", "", "STDIO", "sse\u0000" });
                        c["command"] = "/bin/sh";
                        c["args"] = new JsonArray("-c", "id");
                        return c;
                    }

                case 11:
                    {
                        var c = Config(GoodUrl);
                        c["oauth"] = new JsonObject
                        {
                            [Pick(new[] { "authorization_url", "token_url", "revocation_endpoint" })] = Pick(new[] { "javascript:alert(1)", "file:///etc/passwd", "http://169.254.169.254/", "http://127.0.0.1/token", "not a url" }),
                            ["client_id"] = "x",
                        };
                        return c;
                    }

                case 12:
                    {
                        // Server-managed keys and unknown members are dropped, so the private URL makes the refusal.
                        var c = Config(PrivateUrl);
                        c["startup"] = true;
                        c["env"] = new JsonObject { ["PATH"] = "/tmp" };
                        c["customUserVars"] = new JsonObject { ["../X"] = new JsonObject { ["title"] = "<script>" } };
                        c["oauth"] = new JsonObject { ["redirect_uri"] = "https://evil.example/cb", ["client_secret"] = new string('s', 50_000) };
                        return c;
                    }

                default:
                    {
                        // Deep nesting inside an otherwise plausible config.
                        JsonNode nested = "x";
                        for (var i = 0; i < 200; i++)
                        {
                            nested = new JsonObject { ["n"] = nested };
                        }

                        var c = Config(PrivateUrl);
                        c["customUserVars"] = nested;
                        return c;
                    }
            }
        }

        private string HostileSharing(int variant) => (variant % 12) switch
        {
            0 => "{\"updated\":\"x\"}",
            1 => "{\"updated\":[1,2]}",
            2 => "{\"updated\":[{\"type\":\"evil\",\"id\":\"bob\",\"accessRoleId\":\"mcpServer_viewer\"}]}",
            3 => "{\"updated\":[{\"type\":\"user\",\"id\":\"bob\",\"accessRoleId\":\"mcpServer_god\"}]}",
            4 => "{\"updated\":[{\"type\":\"user\",\"id\":\"nobody-" + Pick(HostileTitles).Replace("\"", "", StringComparison.Ordinal).Replace("\\", "", StringComparison.Ordinal) + "\",\"accessRoleId\":\"mcpServer_viewer\"}]}".Replace("\u0000", "\\u0000", StringComparison.Ordinal).Replace("\r\n", "\\r\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal),
            5 => "{\"removed\":[{\"type\":\"user\",\"id\":\"alice\"}]}",
            6 => "{\"public\":\"yes\"}",
            7 => "{\"public\":true,\"publicAccessRoleId\":\"mcpServer_owner\"}",
            8 => "{\"updated\":[" + string.Join(",", Enumerable.Range(0, 201).Select(i => $"{{\"type\":\"user\",\"id\":\"u{i}\",\"accessRoleId\":\"mcpServer_viewer\"}}")) + "]}",
            9 => "{\"updated\":[{\"type\":\"user\",\"id\":\"" + new string('i', 10_000) + "\",\"accessRoleId\":\"mcpServer_viewer\"}]}",
            10 => "{\"updated\":[{\"type\":\"public\",\"id\":\"*\",\"accessRoleId\":\"mcpServer_owner\"}]}",
            _ => "{\"updated\":[{\"type\":\"user\",\"id\":null,\"accessRoleId\":null}],\"removed\":{}}",
        };

        private string HostilePlugins(int variant) => (variant % 8) switch
        {
            0 => "{\"pluginKey\":\"mcp_" + Pick(HostileSegments).Replace("\"", "", StringComparison.Ordinal).Replace("\\", "", StringComparison.Ordinal) + "\",\"action\":\"install\",\"auth\":{\"TOKEN\":\"x\"}}",
            1 => "{\"pluginKey\":\"notmcp\",\"action\":\"install\",\"auth\":{}}",
            2 => "{\"pluginKey\":\"mcp_no-such-server\",\"action\":\"rm -rf\"}",
            3 => "{\"pluginKey\":123,\"action\":[],\"auth\":\"x\"}",
            4 => "{\"pluginKey\":\"mcp_" + BaseName + "\",\"action\":\"explode\",\"auth\":{\"A\":\"b\"}}",
            5 => "{\"pluginKey\":\"mcp_\",\"action\":\"install\"}",
            6 => "{\"pluginKey\":\"mcp_../../etc/passwd\",\"action\":\"uninstall\"}",
            _ => "{\"pluginKey\":\"mcp_no-such-server\",\"action\":\"install\",\"auth\":{\"" + new string('K', 5000) + "\":\"" + new string('v', 100_000) + "\"}}",
        };

        /// <summary>Hostile headers; true when they are oversized.</summary>
        private bool AddHeaders(List<KeyValuePair<string, string>> headers, int variant)
        {
            switch (variant % 12)
            {
                case 0:
                    headers.Add(new("X-Forwarded-Host", "evil.example"));
                    headers.Add(new("X-Forwarded-For", "127.0.0.1, ::1, 169.254.169.254"));
                    headers.Add(new("X-Forwarded-Proto", "javascript"));
                    return false;
                case 1:
                    headers.Add(new("Origin", "https://evil.example"));
                    headers.Add(new("Referer", "javascript:alert(1)"));
                    return false;
                case 2:
                    headers.Add(new("If-Match", Pick(new[] { "\"abc\"", "W/\"-1\"", "*, \"1\"", "\"99999999999999999999\"", "garbage", "\"\"", "W/" })));
                    return false;
                case 3:
                    headers.Add(new("X-Big", new string('h', 64 * 1024)));
                    return true;
                case 4:
                    for (var i = 0; i < 300; i++)
                    {
                        headers.Add(new($"X-Many-{i}", "v"));
                    }

                    return true;
                case 5:
                    headers.Add(new("Cookie", string.Join("; ", Enumerable.Range(0, 2000).Select(i => $"c{i}=v"))));
                    return true;
                case 6:
                    headers.Add(new("Accept", "application/xml, */*;q=0"));
                    headers.Add(new("Accept-Language", "xx-" + new string('x', 500)));
                    return false;
                case 7:
                    headers.Add(new("X-Unicode", "пароль ﷽ 😀"));
                    headers.Add(new("User-Agent", "\u0007\u001b[31m"));
                    return false;
                case 8:
                    headers.Add(new("X-HTTP-Method-Override", "DELETE"));
                    headers.Add(new("X-Original-URL", "/api/admin/audit"));
                    headers.Add(new("X-Rewrite-URL", "/api/roles/admin/mcp-servers"));
                    return false;
                case 9:
                    headers.Add(new("Transfer-Encoding", "chunked, identity"));
                    headers.Add(new("Content-Encoding", "gzip"));
                    return false;
                case 10:
                    headers.Add(new("Authorization", "Bearer second-token"));
                    return false;
                default:
                    headers.Add(new("X-Injected", "a\r\nSet-Cookie: evil=1"));
                    headers.Add(new("X-Null", "a\u0000b"));
                    return false;
            }
        }
    }

    private List<Hostile> Generate(string dbId)
    {
        var random = new Random(Seed);
        var generator = new Generator(random, dbId, ForgedTokens(), Api.TokenFor(Alice), Api.TokenFor(Bob));
        string[] focuses = ["segment", "query", "body", "header", "auth", "mixed"];

        // Every route × every focus that applies × a few variants, then random combinations up to the minimum.
        foreach (var route in Routes)
        {
            foreach (var focus in focuses)
            {
                var applies = focus switch
                {
                    "segment" => route.Path.Contains('{', StringComparison.Ordinal),
                    "body" => route.Body != BodyKind.None,
                    _ => true,
                };
                if (!applies)
                {
                    continue;
                }

                var variants = focus == "body" ? 30 : focus == "header" ? 12 : 10;
                for (var variant = 0; variant < variants; variant++)
                {
                    generator.Add(route, focus, variant);
                }
            }
        }

        while (generator.Items.Count < MinimumRequests)
        {
            var route = RouteWithBodyBias(random);
            var focus = focuses[random.Next(focuses.Length)];
            if ((focus == "segment" && !route.Path.Contains('{', StringComparison.Ordinal)) || (focus == "body" && route.Body == BodyKind.None))
            {
                focus = "mixed";
            }

            generator.Add(route, focus, random.Next(1_000));
        }

        return generator.Items;

        static RouteTemplate RouteWithBodyBias(Random random) => random.Next(3) == 0
            ? Routes.Where(r => r.Body != BodyKind.None).ElementAt(random.Next(Routes.Count(r => r.Body != BodyKind.None)))
            : Routes[random.Next(Routes.Length)];
    }

    /// <summary>Tokens signed with the real key whose claims are malformed; keys starting with "bug:" are the ones the
    /// application answers with a 500 (see <see cref="ValidlySignedTokenWithoutUsableSubject_Is401"/>).</summary>
    private Dictionary<string, string> ValidlySignedOddTokens()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var key = new SigningCredentials(TokenIssuer.SigningKey(ApiFactory.SigningKey), SecurityAlgorithms.HmacSha256);
        string Signed(string payload) => "Bearer " + new JsonWebTokenHandler().CreateToken(payload, key);
        var common = $"\"iss\":\"mcp-platform\",\"aud\":\"mcp-platform\",\"nbf\":{now},\"exp\":{now + 600}";
        return new Dictionary<string, string>
        {
            ["exp-never"] = Signed("{\"sub\":\"alice\",\"iss\":\"mcp-platform\",\"aud\":\"mcp-platform\",\"exp\":\"never\"}"),
            ["exp-huge"] = Signed("{\"sub\":\"alice\",\"iss\":\"mcp-platform\",\"aud\":\"mcp-platform\",\"exp\":1e300}"),
            ["groups-number"] = Signed($"{{\"sub\":\"alice\",{common},\"groups\":12345}}"),
            ["role-object"] = Signed($"{{\"sub\":\"alice\",{common},\"role\":{{\"x\":1}}}}"),
            ["bug:no-sub"] = Signed($"{{{common}}}"),
            ["bug:empty-sub"] = Signed($"{{\"sub\":\"\",{common}}}"),
            ["bug:blank-sub"] = Signed($"{{\"sub\":\"   \",{common}}}"),
        };
    }

    /// <summary>Authorization header values that must not authenticate anyone (a few carry a valid signature over
    /// malformed claims for Alice: those may authenticate her, never anyone else).</summary>
    private string[] ForgedTokens()
    {
        static string B64(string json) => Base64UrlEncoder.Encode(json);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = $"{{\"sub\":\"alice\",\"role\":\"ADMIN\",\"iss\":\"mcp-platform\",\"aud\":\"mcp-platform\",\"iat\":{now},\"nbf\":{now},\"exp\":{now + 600}}}";
        var real = Api.TokenFor(Alice);
        var parts = real.Split('.');
        var handler = new JsonWebTokenHandler();
        var realKey = new SigningCredentials(TokenIssuer.SigningKey(ApiFactory.SigningKey), SecurityAlgorithms.HmacSha256);
        var wrongKey = new SigningCredentials(TokenIssuer.SigningKey("another-signing-key-that-is-long-enough-too!"), SecurityAlgorithms.HmacSha256);
        string Signed(string payload, SigningCredentials key) => handler.CreateToken(payload, key);
        var expired = TokenIssuer.Issue(ApiFactory.Auth, new TokenRequest("alice", "USER", Minutes: 30), DateTimeOffset.UtcNow.AddHours(-2));
        var future = TokenIssuer.Issue(ApiFactory.Auth, new TokenRequest("alice", "USER", Minutes: 30), DateTimeOffset.UtcNow.AddHours(2));

        return
        [
            "Bearer " + B64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + B64(claims) + ".",
            "Bearer " + B64("{\"alg\":\"None\"}") + "." + B64(claims) + ".",
            "Bearer " + B64("{\"alg\":\"NONE\",\"typ\":\"JWT\"}") + "." + B64(claims) + "." + parts[2],
            "Bearer " + B64("{\"alg\":\"none\"}") + "." + parts[1] + ".",
            "Bearer " + Signed(claims, wrongKey),
            "Bearer " + expired,
            "Bearer " + future,
            "Bearer " + Signed(claims.Replace("\"iss\":\"mcp-platform\"", "\"iss\":\"evil\"", StringComparison.Ordinal), realKey),
            "Bearer " + Signed(claims.Replace("\"aud\":\"mcp-platform\"", "\"aud\":\"evil\"", StringComparison.Ordinal), realKey),
            "Bearer " + parts[0] + "." + B64(claims.Replace("alice", "bob", StringComparison.Ordinal)) + "." + parts[2],
            "Bearer " + B64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + parts[1] + "." + parts[2],
            "Bearer " + B64("{\"alg\":\"HS256\",\"kid\":\"../../../../dev/null\",\"jku\":\"http://169.254.169.254/jwks\"}") + "." + B64(claims) + "." + parts[2],
            "Bearer abc",
            "Bearer a.b.c",
            "Bearer ....",
            "Bearer a.b.c.d.e",
            "Bearer " + new string('a', 16 * 1024),
            "Bearer " + real + "x",
            "Bearer",
            "Bearer  ",
            "Basic YWxpY2U6cGFzc3dvcmQ=",
            "Digest username=\"alice\"",
            real,
            "Bearer " + B64("{\"alg\":\"HS256\"}") + "." + B64("[]") + ".",
            "Bearer " + B64("not json") + "." + B64("not json") + "." + B64("sig"),
            // Valid signatures over malformed claims for Alice: whatever the verdict, never a 5xx.
            .. ValidlySignedOddTokens().Where(t => !t.Key.StartsWith("bug:", StringComparison.Ordinal)).Select(t => t.Value),
        ];
    }
}
