using Microsoft.EntityFrameworkCore;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>The one place that deletes every credential stored for a server (each user's tokens and variables, the
/// client registrations), inside the caller's transaction.</summary>
internal static class ServerCredentials
{
    public static async Task<DeletedCredentials> DeleteAsync(PlatformDbContext db, Guid serverId, CancellationToken ct)
    {
        var users = await db.OAuthTokens.Where(t => t.ServerId == serverId).Select(t => t.UserId)
            .Union(db.CredentialVariables.Where(c => c.ServerId == serverId).Select(c => c.UserId))
            .CountAsync(ct);
        var tokens = await db.OAuthTokens.Where(t => t.ServerId == serverId).ExecuteDeleteAsync(ct);
        var registrations = await db.OAuthClientRegistrations.Where(r => r.ServerId == serverId).ExecuteDeleteAsync(ct);
        var variables = await db.CredentialVariables.Where(c => c.ServerId == serverId).ExecuteDeleteAsync(ct);
        return new DeletedCredentials(tokens, registrations, variables, users);
    }
}
