namespace McpPlatform.Api.Features.OAuth;

/// <summary>LibreChat's flow status: <c>status</c> is <c>PENDING</c>, <c>COMPLETED</c> or <c>FAILED</c>.</summary>
public sealed record FlowStatusResponse(string Status, bool Completed, bool Failed, string? Error);
