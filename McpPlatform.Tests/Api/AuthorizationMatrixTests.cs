using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using McpPlatform.Domain.Identity;
using McpPlatform.Tests.Fixtures;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace McpPlatform.Tests.Api;

/// <summary>
/// PRODUCT §2 "Who may call what" as a table: every route of the application × {anonymous, user without USE, other
/// user, viewer, editor, owner, group member, public, admin}, with the exact status and LibreChat members of each
/// answer. <see cref="EveryEndpoint_IsInTheTable"/> enumerates the host's endpoints, so a new route cannot be added
/// without a row here.
/// <para>Routes that would reach a live MCP server (reinitialize, tool call, OAuth initiate) use servers whose URL is
/// valid but unreachable (<c>https://unreachable.invalid/…</c>): for an authorized caller only the authorization
/// layer is asserted there — the answer is not a 401, not a role or ACL 403, and not the "not found in configuration"
/// 404 (it may be 200 with <c>success:false</c>, 502, 503, 504…).</para>
/// </summary>
public sealed class AuthorizationMatrixTests : ApiTest
{
    private static readonly Caller Dave = new("dave", SystemRoles.User, ["team-c"], "Dave", "dave@example.com");
    private static readonly Caller Eve = new("eve", SystemRoles.User, ["team-d"], "Eve", "eve@example.com");

    private const string PrivateTitle = "Matrix Private";
    private const string PrivateName = "matrix-private";
    private const string PublicTitle = "Matrix Public";
    private const string PublicName = "matrix-public";
    private const string MissingName = "no-such-server";
    private const string UnreachableUrl = "https://unreachable.invalid/mcp";
    private static readonly string MissingDbId = "6f1f9a53-0b7e-4c1e-9a59-3d0c7f1e2a10";

    public enum Principal { Anonymous, UserWithoutUse, OtherUser, Viewer, Editor, Owner, GroupMember, Public, Admin }

    private enum Target { None, Db, App, Missing }

    /// <summary>Who is calling and what they hold on the server the row targets.</summary>
    private sealed record Who(Principal Principal, Caller? Caller, string ServerName, string DbId, int Bits)
    {
        public bool Anonymous => Caller is null;
        public bool IsAdmin => Caller?.Role == SystemRoles.Admin;
        public bool HasUse => Caller is not null && Principal != Principal.UserWithoutUse;
        public bool Holds(int bit) => IsAdmin || (Bits & bit) == bit;
        public bool OwnsAliceFlows => Caller?.UserId == "alice";
    }

    /// <summary>The expected answer: exact status and members, or (<see cref="AuthorizedOnly"/>) just "got past
    /// authorization", or (<see cref="Public"/>) "not refused and not a server error".</summary>
    private sealed record Expect(int Status, string? Error = null, string? Message = null, bool AuthorizedOnly = false, bool Public = false, string? LocationContains = null, int? PermissionBits = null);

    private sealed record Row(string Method, string Pattern, Target Target, Func<Who, string, string> Path, Func<Who, object?>? Body, Func<Who, string, Expect> Expected);

    private static readonly Expect Unauthorized = new(401, "Unauthorized");
    private static readonly Expect RoleDenied = new(403, Message: "Forbidden: Insufficient permissions");
    private static readonly Expect ServerNotFound = new(404, "Not Found", "mcpServer not found");
    private static readonly Expect AclDenied = new(403, "Forbidden", "Insufficient permissions to access this mcpServer");
    private static readonly Expect AdminOnly = new(403, Message: "Forbidden");
    private static readonly Expect Authorized = new(0, AuthorizedOnly: true);
    private static readonly Expect PublicRoute = new(0, Public: true);
    private static Expect Ok(int status = 200) => new(status);
    private static Expect NotInConfiguration(string name) => new(404, $"MCP server '{name}' not found in configuration");
    private static Expect ReadOnly(string name) => new(403, "Forbidden", $"MCP server '{name}' is defined in configuration and is read-only");

    private const int View = 1, Edit = 2, Delete = 4, Share = 8;

    /// <summary>Authentication, then the role permission USE (the policy of nearly every /api/mcp route).</summary>
    private static Expect? UseGate(Who w) => w.Anonymous ? Unauthorized : !w.HasUse ? RoleDenied : null;

    private static Expect? AuthenticatedGate(Who w) => w.Anonymous ? Unauthorized : null;

    /// <summary>A single-server registry route: USE(+CREATE) then the ACL bit (app-level servers: read-only for writes).</summary>
    private static Func<Who, string, Expect> RegistryRoute(int bit, bool write) => (w, name) =>
        UseGate(w) ?? (name == ApiFactory.AppServerName
            ? (write ? ReadOnly(name) : Ok())
            : name == MissingName ? ServerNotFound
            : w.Holds(bit) ? Ok() : AclDenied);

    /// <summary>A connection route: USE + VIEW (app-level: USE); unknown or invisible is the same 404.</summary>
    private static Func<Who, string, Expect> ConnectionRoute(Expect whenAllowed) => (w, name) =>
        UseGate(w) ?? (name == ApiFactory.AppServerName ? whenAllowed
            : name != MissingName && w.Holds(View) ? whenAllowed
            : NotInConfiguration(name));

    /// <summary>A sharing route addressed by dbId: role SHARE (every caller here has it) + ACL SHARE.</summary>
    private static Func<Who, string, Expect> SharingRoute() => (w, dbId) =>
        AuthenticatedGate(w) ?? (dbId == MissingDbId ? ServerNotFound : w.Holds(Share) ? Ok() : AclDenied);

    private static object ConfigFor(string title) => new { config = new { type = "streamable-http", url = UnreachableUrl, title } };

    private static string ServerArg(Who w, Target t) => t switch
    {
        Target.App => ApiFactory.AppServerName,
        Target.Missing => MissingName,
        _ => w.ServerName,
    };

    private static string DbIdArg(Who w, Target t) => t == Target.Missing ? MissingDbId : w.DbId;

    /// <summary>The table. Order matters only for the destructive row (DELETE of the target server), which is last.</summary>
    private static IEnumerable<Row> Table()
    {
        foreach (var path in new[] { "api/mcp/servers", "api/mcp/tools", "api/mcp/connection/status" })
        {
            yield return new Row("GET", path, Target.None, (_, _) => "/" + path, null, (w, _) => UseGate(w) ?? Ok());
        }

        yield return new Row("POST", "api/mcp/servers", Target.None, (_, _) => "/api/mcp/servers", _ => ConfigFor("Matrix Created"), (w, _) => UseGate(w) ?? Ok(201));

        foreach (var target in new[] { Target.Db, Target.App, Target.Missing })
        {
            yield return new Row("GET", "api/mcp/servers/{serverName}", target, (w, n) => $"/api/mcp/servers/{n}", null, RegistryRoute(View, write: false));
            yield return new Row("PATCH", "api/mcp/servers/{serverName}", target, (w, n) => $"/api/mcp/servers/{n}",
                w => ConfigFor(w.ServerName == PublicName ? PublicTitle : PrivateTitle), RegistryRoute(Edit, write: true));

            // Connection routes. Reinitialize, initiate and tool calls would reach the (unreachable) server: authorization only.
            yield return new Row("POST", "api/mcp/{serverName}/reinitialize", target, (_, n) => $"/api/mcp/{n}/reinitialize", null, ConnectionRoute(Authorized));
            yield return new Row("GET", "api/mcp/{serverName}/oauth/initiate", target, (_, n) => $"/api/mcp/{n}/oauth/initiate", null, ConnectionRoute(Authorized));
            yield return new Row("POST", "api/mcp/{serverName}/tools/{toolName}/call", target, (_, n) => $"/api/mcp/{n}/tools/echo/call", _ => new { arguments = new { text = "hi" } }, ConnectionRoute(Authorized));
            yield return new Row("GET", "api/mcp/{serverName}/auth-values", target, (_, n) => $"/api/mcp/{n}/auth-values", null, ConnectionRoute(Ok()));
            yield return new Row("POST", "api/mcp/{serverName}/oauth/bind", target, (_, n) => $"/api/mcp/{n}/oauth/bind", null, ConnectionRoute(Ok()));
            yield return new Row("GET", "api/mcp/connection/status/{serverName}", target, (_, n) => $"/api/mcp/connection/status/{n}", null, ConnectionRoute(Ok()));
            yield return new Row("DELETE", "api/mcp/{serverName}/oauth/tokens", target, (_, n) => $"/api/mcp/{n}/oauth/tokens", null, ConnectionRoute(Ok()));
            yield return new Row("POST", "api/user/plugins", target, (_, _) => "/api/user/plugins",
                w => new { pluginKey = "mcp_" + ServerArg(w, target), action = "uninstall", auth = new Dictionary<string, string>() }, ConnectionRoute(Ok()));
        }

        // Flows are the caller's own: "<callerId>:<serverName>". Alice asks for her own (unknown) flow, everyone else for Alice's.
        foreach (var route in new[] { "tokens", "status" })
        {
            yield return new Row("GET", $"api/mcp/oauth/{route}/{{flowId}}", Target.Db, (_, n) => $"/api/mcp/oauth/{route}/alice:{n}", null,
                (w, _) => AuthenticatedGate(w) ?? (w.OwnsAliceFlows ? new Expect(404, "Flow not found") : new Expect(403, "Access denied")));
        }

        yield return new Row("POST", "api/mcp/oauth/cancel/{serverName}", Target.Db, (_, n) => $"/api/mcp/oauth/cancel/{n}", null, (w, _) => AuthenticatedGate(w) ?? Ok());
        yield return new Row("GET", "api/mcp/{serverName}/oauth/callback", Target.Db, (_, n) => $"/api/mcp/{n}/oauth/callback", null,
            (_, _) => new Expect(302, LocationContains: "/oauth/error?error="));

        yield return new Row("GET", "api/permissions/mcpServer/roles", Target.None, (_, _) => "/api/permissions/mcpServer/roles", null, (w, _) => AuthenticatedGate(w) ?? Ok());
        yield return new Row("GET", "api/permissions/mcpServer/effective/all", Target.None, (_, _) => "/api/permissions/mcpServer/effective/all", null, (w, _) => AuthenticatedGate(w) ?? Ok());
        foreach (var target in new[] { Target.Db, Target.Missing })
        {
            yield return new Row("GET", "api/permissions/mcpServer/{dbId}/effective", target, (_, id) => $"/api/permissions/mcpServer/{id}/effective", null,
                (w, id) => AuthenticatedGate(w) ?? new Expect(200, PermissionBits: id == MissingDbId ? 0 : w.IsAdmin ? 15 : w.Bits));
            yield return new Row("GET", "api/permissions/mcpServer/{dbId}", target, (_, id) => $"/api/permissions/mcpServer/{id}", null, SharingRoute());
            yield return new Row("PUT", "api/permissions/mcpServer/{dbId}", target, (_, id) => $"/api/permissions/mcpServer/{id}",
                _ => new { updated = Array.Empty<object>(), removed = Array.Empty<object>() }, SharingRoute());
        }

        yield return new Row("GET", "api/permissions/search-principals", Target.None, (_, _) => "/api/permissions/search-principals?q=al", null, (w, _) => AuthenticatedGate(w) ?? Ok());

        yield return new Row("GET", "api/roles/{roleName}", Target.None, (_, _) => "/api/roles/USER", null,
            (w, _) => AuthenticatedGate(w) ?? Ok());
        yield return new Row("GET", "api/roles/{roleName}", Target.None, (_, _) => "/api/roles/admin", null,
            (w, _) => AuthenticatedGate(w) ?? (w.IsAdmin ? Ok() : new Expect(403)));
        yield return new Row("PUT", "api/roles/{roleName}/mcp-servers", Target.None, (_, _) => "/api/roles/user/mcp-servers", _ => new { },
            (w, _) => AuthenticatedGate(w) ?? (w.IsAdmin ? Ok() : AdminOnly));
        yield return new Row("GET", "api/admin/audit", Target.None, (_, _) => "/api/admin/audit", null,
            (w, _) => AuthenticatedGate(w) ?? (w.IsAdmin ? Ok() : AdminOnly));

        // Public pages and operations endpoints: listed so that nothing is skipped silently; never refused, never a 5xx.
        foreach (var (method, pattern, path) in PublicEndpoints)
        {
            yield return new Row(method, pattern, Target.None, (_, _) => path, null, (_, _) => PublicRoute);
        }

        // Destructive rows last: missing and app-level first, then the target server itself.
        foreach (var target in new[] { Target.App, Target.Missing, Target.Db })
        {
            yield return new Row("DELETE", "api/mcp/servers/{serverName}", target, (_, n) => $"/api/mcp/servers/{n}", null, RegistryRoute(Delete, write: true));
        }
    }

    /// <summary>Endpoints outside PRODUCT §2's table that anyone may call (method, route pattern, a request path).</summary>
    private static readonly (string Method, string Pattern, string Path)[] PublicEndpoints =
    [
        ("GET", "oauth/client-metadata.json", "/oauth/client-metadata.json"),
        ("GET", "oauth/success", "/oauth/success?serverName=x"),
        ("GET", "oauth/error", "/oauth/error?error=x"),
        ("GET", "", "/"),
        ("*", "health/live", "/health/live"),
        ("*", "health/ready", "/health/ready"),
        ("*", "metrics", "/metrics"),
    ];

    private static string Key(string method, string pattern) => $"{method} /{pattern.Trim('/')}";

    [Test]
    public void EveryEndpoint_IsInTheTable()
    {
        var actual = Api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => Key(m, e.RoutePattern.RawText ?? string.Empty)))
            .Where(k => !k.Contains("/swagger", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        var listed = Table().Select(r => Key(r.Method, r.Pattern)).ToHashSet(StringComparer.Ordinal);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(actual.Except(listed).Order(), Is.Empty, "endpoints of the app missing from the authorization table");
            Assert.That(listed.Except(actual).Order(), Is.Empty, "rows of the authorization table that the app does not have");
        }
    }

    [TestCaseSource(nameof(Principals))]
    public async Task EveryRoute_AnswersThisPrincipalAsPRODUCTSection2Says(Principal principal)
    {
        var who = await ArrangeAsync(principal);
        var client = As(who.Caller);
        var failures = new List<string>();
        try
        {
            foreach (var row in Table())
            {
                var argument = row.Pattern.Contains("{dbId}", StringComparison.Ordinal) ? DbIdArg(who, row.Target) : ServerArg(who, row.Target);
                var path = row.Path(who, argument);
                var expect = row.Expected(who, argument);
                using var request = new HttpRequestMessage(new HttpMethod(row.Method == "*" ? "GET" : row.Method), path);
                if (row.Body?.Invoke(who) is { } body)
                {
                    request.Content = JsonContent.Create(body, options: Json);
                }

                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                using var response = await client.SendAsync(request, timeout.Token);
                var problem = await CheckAsync(response, expect);
                if (problem is not null)
                {
                    failures.Add($"{row.Method} {path} [{row.Target}] as {principal}: {problem}");
                }
            }
        }
        finally
        {
            if (principal == Principal.UserWithoutUse)
            {
                using var restore = await As(Admin).PutAsJsonAsync("/api/roles/user/mcp-servers", new { USE = true });
                Assert.That(restore.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            }
        }

        Assert.That(failures, Is.Empty, string.Join("\n", failures));
    }

    private static IEnumerable<Principal> Principals() => Enum.GetValues<Principal>();

    /// <summary>Alice owns two servers: the private one is shared with Dave (viewer), Eve (editor) and group team-a
    /// (viewer, so Carol); the other is public (viewer). Bob has nothing on the private one.</summary>
    private async Task<Who> ArrangeAsync(Principal principal)
    {
        await SeeAsync(Bob, Carol, Dave, Eve, Admin);
        var privateDbId = (await CreateServerAsync(Alice, new { type = "streamable-http", url = UnreachableUrl, title = PrivateTitle }))["dbId"]!.GetValue<string>();
        var publicDbId = (await CreateServerAsync(Alice, new { type = "streamable-http", url = UnreachableUrl, title = PublicTitle }))["dbId"]!.GetValue<string>();
        await ShareAsync(Alice, privateDbId, new
        {
            updated = new[]
            {
                new { type = "user", id = "dave", accessRoleId = "mcpServer_viewer" },
                new { type = "user", id = "eve", accessRoleId = "mcpServer_editor" },
                new { type = "group", id = "team-a", accessRoleId = "mcpServer_viewer" },
            },
        });
        await ShareAsync(Admin, publicDbId, new { @public = true, publicAccessRoleId = "mcpServer_viewer" });

        if (principal == Principal.UserWithoutUse)
        {
            using var revoke = await As(Admin).PutAsJsonAsync("/api/roles/user/mcp-servers", new { USE = false });
            Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.OK), await revoke.Content.ReadAsStringAsync());
        }

        return principal switch
        {
            Principal.Anonymous => new Who(principal, null, PrivateName, privateDbId, 0),
            Principal.UserWithoutUse => new Who(principal, Alice, PrivateName, privateDbId, 15),
            Principal.OtherUser => new Who(principal, Bob, PrivateName, privateDbId, 0),
            Principal.Viewer => new Who(principal, Dave, PrivateName, privateDbId, 1),
            Principal.Editor => new Who(principal, Eve, PrivateName, privateDbId, 3),
            Principal.Owner => new Who(principal, Alice, PrivateName, privateDbId, 15),
            Principal.GroupMember => new Who(principal, Carol, PrivateName, privateDbId, 1),
            Principal.Public => new Who(principal, Bob, PublicName, publicDbId, 1),
            Principal.Admin => new Who(principal, Admin, PrivateName, privateDbId, 0),
            _ => throw new ArgumentOutOfRangeException(nameof(principal)),
        };
    }

    /// <summary>Null when the response is as expected, else what differs.</summary>
    private static async Task<string?> CheckAsync(HttpResponseMessage response, Expect expect)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        var shown = $"got {status} {Truncate(text)}";
        JsonNode? body = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/json" or "application/problem+json")
        {
            try
            {
                body = JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException)
            {
                return "body is not JSON; " + shown;
            }
        }

        string? Member(string name) => body is JsonObject o && o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

        if (status >= 500 && !expect.AuthorizedOnly)
        {
            return "server error; " + shown;
        }

        if (expect.Public)
        {
            return status is 401 or 403 || status >= 500 ? "a public endpoint refused or failed; " + shown : null;
        }

        if (expect.AuthorizedOnly)
        {
            var error = Member("error") ?? string.Empty;
            var message = Member("message") ?? string.Empty;
            var refused = status == 401
                || (status == 403 && (message is "Forbidden: Insufficient permissions" or "Insufficient permissions to access this mcpServer" or "Forbidden"))
                || (status == 404 && error.EndsWith("not found in configuration", StringComparison.Ordinal));
            return refused ? "expected to pass authorization; " + shown : null;
        }

        if (status != expect.Status)
        {
            return $"expected {expect.Status}; " + shown;
        }

        if (expect.LocationContains is { } location && response.Headers.Location?.OriginalString.Contains(location, StringComparison.Ordinal) != true)
        {
            return $"expected a redirect to …{location}…, got Location {response.Headers.Location}";
        }

        if (status >= 400)
        {
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                return "error is not a ProblemDetails; " + shown;
            }

            if (body?["status"]?.GetValue<int>() != status)
            {
                return "ProblemDetails status member differs; " + shown;
            }

            if (expect.Error is not null && Member("error") != expect.Error)
            {
                return $"expected error \"{expect.Error}\"; " + shown;
            }

            if (expect.Message is not null && Member("message") != expect.Message)
            {
                return $"expected message \"{expect.Message}\"; " + shown;
            }
        }

        if (expect.PermissionBits is { } bits && body?["permissionBits"]?.GetValue<int>() != bits)
        {
            return $"expected permissionBits {bits}; " + shown;
        }

        return null;
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
