namespace McpPlatform.Api.Hosting.Cors;

/// <summary>The <c>Client</c> section: the web client (SPA) the API serves.</summary>
public sealed class ClientOptions
{
    public const string Section = "Client";

    /// <summary>Its origin is allowed by CORS, with credentials; OAuth results are sent to its <c>/oauth/success</c> and
    /// <c>/oauth/error</c>. Unset or not an absolute URL: no CORS origin and the API's own result pages.</summary>
    public string? BaseUrl { get; set; }
}
