using McpPlatform.Domain.Access;
using McpPlatform.Domain.Audit;
using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Servers;

/// <summary>
/// Creating, changing and deleting user-managed servers: naming, secrets, the ACL checked against the database,
/// optimistic concurrency. Each change is written together with its audit record.
/// </summary>
public sealed class ServerChangeService(
    IServerQueries queries,
    IServerRepository servers,
    IAppServerCatalog appServers,
    ServerConfigRules rules,
    IServerChangeListener changes,
    McpRegistryOptions options)
{
    public async Task<Result<ServerView>> CreateAsync(Caller caller, McpServerConfig input, CancellationToken ct)
    {
        var config = ServerConfigRules.UserManaged(input);
        if (await rules.CheckUrlsAsync(config, ct) is { } invalid)
        {
            return invalid;
        }

        var title = config.Title;
        var baseSlug = string.IsNullOrEmpty(title) ? null : ServerNaming.Slugify(title);
        var (server, failure) = await servers.CreateAsync(
            new NewServer(config, caller.UserId, baseSlug),
            taken => baseSlug is null ? ServerNaming.RandomName() : ServerNaming.NextFree(baseSlug, taken, IsReservedName),
            options.MaxServersPerUser,
            created => Audited(caller, AuditActions.ServerCreated, created.Id, created.Name),
            ct);
        if (failure == CreateFailure.QuotaExceeded || server is null)
        {
            return ServerErrors.QuotaExceeded(options.MaxServersPerUser);
        }

        return ServerView.Of(server);
    }

    /// <summary>Full replacement of the config. When its <see cref="CredentialBinding"/> changes (where credentials are
    /// sent: url, header templates, OAuth endpoints, client id, auth method), every credential bound to the old one —
    /// each user's tokens and variables, the client registrations, an omitted client secret — is deleted in the same
    /// transaction as the change, and audited; users are then asked to enter or authorize again.</summary>
    public async Task<Result<ServerView>> UpdateAsync(Caller caller, string name, McpServerConfig input, long? expectedVersion, CancellationToken ct)
    {
        var found = await FindChangeableAsync(caller, name, PermissionBits.Edit, expectedVersion, ct);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var current = found.Value;
        var requested = ServerConfigRules.UserManaged(input);
        var bindingChanged = CredentialBinding.Of(current.Config) != CredentialBinding.Of(requested);
        var merged = SecretBinding.CarryOverSecrets(current.Config, requested, bindingChanged);
        if (!merged.IsSuccess)
        {
            return merged.Error!;
        }

        if (await rules.CheckUrlsAsync(merged.Value, ct) is { } invalid)
        {
            return invalid;
        }

        var record = Audited(caller, AuditActions.ServerUpdated, current.Id, name);
        var updated = await servers.UpdateAsync(current.Id, merged.Value, expectedVersion ?? current.Version, bindingChanged, record, ct);
        if (updated is null)
        {
            return ServerErrors.VersionMismatch;
        }

        await changes.ServerChangedAsync(name, ct);
        return ServerView.Of(updated);
    }

    public async Task<Result<Success>> DeleteAsync(Caller caller, string name, long? expectedVersion, CancellationToken ct)
    {
        var found = await FindChangeableAsync(caller, name, PermissionBits.Delete, expectedVersion, ct);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var current = found.Value;
        if (!await servers.DeleteAsync(current.Id, expectedVersion, Audited(caller, AuditActions.ServerDeleted, current.Id, name), ct))
        {
            return expectedVersion is null ? ServerErrors.ServerNotFound : ServerErrors.VersionMismatch;
        }

        await changes.ServerChangedAsync(name, ct);
        return Success.Instance;
    }

    /// <summary>The database server by name if the caller holds <paramref name="required"/> on it (admins always
    /// do), read from the database, and still at <paramref name="expectedVersion"/> when one is given.</summary>
    private async Task<Result<McpServer>> FindChangeableAsync(Caller caller, string name, PermissionBits required, long? expectedVersion, CancellationToken ct)
    {
        if (appServers.Find(name) is not null)
        {
            return ServerErrors.ReadOnly(name);
        }

        var found = ServerNaming.IsAddressable(name) ? await queries.FindAsync(name, caller.Principals, ct) : null;
        if (found is null)
        {
            return ServerErrors.ServerNotFound;
        }

        if (!AccessPolicy.Allows(caller.IsAdmin, found.Bits, required))
        {
            return ServerErrors.InsufficientPermissions;
        }

        return expectedVersion is { } v && v != found.Server.Version ? ServerErrors.VersionMismatch : found.Server;
    }

    private bool IsReservedName(string name) => ServerNaming.RouteWords.Contains(name) || appServers.Find(name) is not null;

    private static AuditEvent Audited(Caller caller, string action, Guid serverId, string serverName) =>
        new(caller.UserId, action, AccessRole.ResourceType, serverId.ToString(), new Dictionary<string, string?> { ["serverName"] = serverName });
}
