namespace McpPlatform.Infrastructure.Persistence.Entities;

/// <summary>A user's credential variable for a server (<c>credential_variables</c>); see <see cref="OAuthTokenRow"/> for how it is keyed.</summary>
public sealed class CredentialVariableRow
{
    public required string UserId { get; set; }
    public Guid ServerId { get; set; }
    public required string Binding { get; set; }
    public required string Name { get; set; }
    public required byte[] Value { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
