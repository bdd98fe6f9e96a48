namespace McpPlatform.Api.Features.Sharing;

/// <summary>How many results came from each directory (always all local here).</summary>
public sealed record PrincipalSearchSources(int Local, int Entra);
