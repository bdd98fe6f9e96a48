namespace McpPlatform.Domain.OAuth;

/// <summary>A flow as <c>GET /oauth/status/{flowId}</c> shows it (LibreChat's <c>PENDING</c>, <c>COMPLETED</c>, <c>FAILED</c>).</summary>
public sealed record FlowStatusView(string Status, bool Completed, bool Failed, string? Error);
