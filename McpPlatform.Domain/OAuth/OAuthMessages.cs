namespace McpPlatform.Domain.OAuth;

/// <summary>The texts people read about their authorizations, LibreChat's wording where the SPA shows it.</summary>
public static class OAuthMessages
{
    public const string AccessDenied = "Access denied";
    public const string FlowNotFound = "Flow not found";
    public const string FlowNotCompleted = "Flow not completed";
    public const string FlowExpired = "Flow expired";
    public const string NothingToCancel = "No active OAuth flow to cancel";
    public const string CancelledByUser = "User cancelled OAuth flow";
    public const string ServerChangedDuringFlow = "The server's configuration changed during authorization";
    public const string LastAttemptFailed = "The last authorization attempt failed or expired";

    public static string Cancelled(string serverName) => $"OAuth flow for {serverName} cancelled successfully";

    public static string Disconnected(string serverName, bool hadTokens) =>
        hadTokens ? $"Disconnected from {serverName}; tokens revoked and deleted" : $"No stored tokens for {serverName}";
}
