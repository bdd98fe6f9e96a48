namespace McpPlatform.Domain.OAuth;

/// <summary>A client registration at an authorization server, shared by every user of one server.</summary>
public sealed record ClientRegistration(string ClientId, string? ClientSecret, string TokenAuthMethod);
