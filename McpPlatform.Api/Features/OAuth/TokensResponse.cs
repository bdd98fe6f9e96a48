namespace McpPlatform.Api.Features.OAuth;

/// <summary>LibreChat's <c>{tokens}</c> answer of <c>oauth/tokens/{flowId}</c>.</summary>
public sealed record TokensResponse(TokenInfoResponse Tokens);
