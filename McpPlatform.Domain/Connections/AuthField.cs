namespace McpPlatform.Domain.Connections;

/// <summary>A declared per-user variable as the SPA's form shows it.</summary>
public sealed record AuthField(string Name, string Label, string Description);
