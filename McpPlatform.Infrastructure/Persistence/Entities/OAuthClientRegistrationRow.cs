namespace McpPlatform.Infrastructure.Persistence.Entities;

/// <summary>A client registration per server × issuer (<c>oauth_client_registrations</c>); see <see cref="OAuthTokenRow"/> for how it is keyed.</summary>
public sealed class OAuthClientRegistrationRow
{
    public long Id { get; set; }
    public Guid ServerId { get; set; }
    public required string Binding { get; set; }
    public required string Issuer { get; set; }
    public required string ClientId { get; set; }
    public byte[]? ClientSecret { get; set; }
    public string? Metadata { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
