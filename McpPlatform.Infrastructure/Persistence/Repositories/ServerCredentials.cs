using Microsoft.EntityFrameworkCore;

namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>How many credentials of a server were deleted, for the audit record of the change that deleted them.</summary>
internal sealed record DeletedCredentials(int Tokens, int Registrations, int Variables, int Users)
{
    public int Total => Tokens + Registrations + Variables;

    public void AddTo(IDictionary<string, string?> details)
    {
        details["tokensDeleted"] = Tokens.ToString(System.Globalization.CultureInfo.InvariantCulture);
        details["registrationsDeleted"] = Registrations.ToString(System.Globalization.CultureInfo.InvariantCulture);
        details["variablesDeleted"] = Variables.ToString(System.Globalization.CultureInfo.InvariantCulture);
        details["usersAffected"] = Users.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

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
