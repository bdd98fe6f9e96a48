using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Identity;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Connections;

/// <summary>A caller's own values for a server's <c>customUserVars</c> (LibreChat's plugin auth for <c>mcp_&lt;server&gt;</c>).</summary>
public sealed class CredentialService(ServerRegistryService registry, ICredentialStore credentials, IMcpSessions sessions)
{
    public const string PluginPrefix = "mcp_";
    public const int MaxValueLength = 4096;

    /// <summary>Which declared variables the caller has set — booleans only, never values.</summary>
    public async Task<Result<IReadOnlyDictionary<string, bool>>> AuthValueFlagsAsync(Caller caller, string name, CancellationToken ct)
    {
        var resolved = await registry.ResolveForUseAsync(caller, name, ct);
        if (!resolved.IsSuccess)
        {
            return resolved.Error!;
        }

        var declared = resolved.Value.Config.CustomUserVars;
        if (declared is not { Count: > 0 })
        {
            return new Dictionary<string, bool>();
        }

        var values = await credentials.GetAsync(caller.UserId, resolved.Value.Credentials, ct);
        return declared.Keys.ToDictionary(k => k, k => values.TryGetValue(k, out var v) && v.Length > 0);
    }

    /// <summary><c>install</c> stores the given values, <c>uninstall</c> deletes them all; either way the caller's
    /// connection to the server is closed and its cached tools dropped, so the next use picks up the change.</summary>
    public async Task<Result<Success>> UpdateAsync(Caller caller, string? pluginKey, string? action, IReadOnlyDictionary<string, string?>? auth, CancellationToken ct)
    {
        if (pluginKey is null || !pluginKey.StartsWith(PluginPrefix, StringComparison.Ordinal) || pluginKey.Length == PluginPrefix.Length)
        {
            return Error.Validation("Invalid request", [new FieldError("pluginKey", "pluginKey must be mcp_<serverName>", "invalid_string")]);
        }

        if (action is not ("install" or "uninstall"))
        {
            return Error.Validation("Invalid request", [new FieldError("action", "action must be install or uninstall", "invalid_enum_value")]);
        }

        var name = pluginKey[PluginPrefix.Length..];
        var resolved = await registry.ResolveForUseAsync(caller, name, ct);
        if (!resolved.IsSuccess)
        {
            return resolved.Error!;
        }

        var server = resolved.Value;
        var record = new AuditEvent(caller.UserId, action == "install" ? AuditActions.CredentialsSet : AuditActions.CredentialsRemoved, "credentials", $"{caller.UserId}/{name}",
            new Dictionary<string, string?> { ["serverName"] = name, ["variables"] = string.Join(",", auth?.Keys ?? []) });
        if (action == "install")
        {
            var declared = server.Config.CustomUserVars ?? new Dictionary<string, CustomUserVar>();
            var problems = (auth ?? new Dictionary<string, string?>())
                .Where(kv => !declared.ContainsKey(kv.Key) || kv.Value is null || kv.Value.Length > MaxValueLength)
                .Select(kv => new FieldError($"auth.{kv.Key}", declared.ContainsKey(kv.Key) ? $"Values must be strings of at most {MaxValueLength} characters" : $"MCP server '{name}' declares no variable {kv.Key}", "invalid"))
                .ToList();
            if (problems.Count > 0)
            {
                return Error.Validation("Invalid request", problems);
            }

            await credentials.SetAsync(caller.UserId, server.Credentials, (auth ?? new Dictionary<string, string?>()).ToDictionary(kv => kv.Key, kv => kv.Value!), record, ct);
        }
        else
        {
            await credentials.DeleteAsync(caller.UserId, server.Id, record, ct);
        }

        await sessions.DisconnectAsync(server.KeyFor(caller.UserId), ct);
        return Success.Instance;
    }
}
