namespace McpPlatform.Domain.Connections;

/// <summary>One server of a caller's catalogue with its cached tools.</summary>
public sealed record ServerTools(string Name, string Icon, bool Authenticated, IReadOnlyList<AuthField> AuthConfig, IReadOnlyList<CatalogTool> Tools);
