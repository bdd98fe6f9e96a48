namespace McpPlatform.Domain.Sharing;

/// <summary>A requested grant: principal plus access role id, as the SPA sends them.</summary>
public sealed record ShareRequest(string Type, string Id, string? AccessRoleId);
