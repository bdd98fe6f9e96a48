namespace McpPlatform.Domain.Connections;

/// <summary>A caller's session, or why there is none: exactly one of the two is set.</summary>
public sealed record OpenedSession(IMcpSession? Session, SessionBlock? Block)
{
    public static OpenedSession Blocked(SessionBlock block) => new(null, block);
}
