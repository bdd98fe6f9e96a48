namespace McpPlatform.Api.Hosting.Configuration;

/// <summary>The <c>Server</c> section: where browsers and authorization servers reach the API.</summary>
public sealed class ServerOptions
{
    public const string Section = "Server";

    /// <summary>Scheme, host, port and optional path; OAuth redirect URIs are built on it, never on request headers.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";
}
