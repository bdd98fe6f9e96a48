using McpPlatform.Domain.OAuth;

namespace McpPlatform.Api.Features.OAuth;

/// <summary>A flow the caller may now complete: where to send the browser, and the proof the browser must bring back.</summary>
public sealed record StartedFlow(string AuthorizationUrl, BrowserProof BrowserProof);
