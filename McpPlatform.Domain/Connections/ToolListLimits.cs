namespace McpPlatform.Domain.Connections;

/// <summary>Bounds on one <c>tools/list</c>: pages, tools, bytes and time.</summary>
public sealed record ToolListLimits(int MaxPages, int MaxTools, long MaxBytes, TimeSpan Timeout);
