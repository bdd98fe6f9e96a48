namespace McpPlatform.Domain.OAuth;

/// <summary>Signs the proof that a browser started a user's authorization flow (the binding cookie), so that the
/// callback can refuse a code delivered by any other browser (authorization-code injection).</summary>
public interface IBrowserBinding
{
    /// <summary>The proof for the flow, valid until <paramref name="expires"/>.</summary>
    string Issue(string flowId, DateTimeOffset expires);

    /// <summary>Whether <paramref name="proof"/> was issued for the flow and has not expired.</summary>
    bool Verify(string flowId, string? proof, DateTimeOffset now);
}
