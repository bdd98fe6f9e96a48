using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.OAuth;

/// <summary>Tokens per user × server and client registrations per server × issuer, encrypted at rest and each
/// bound to a <see cref="CredentialKey"/>: read back only under the key they were stored with.</summary>
public interface ITokenStore
{
    /// <summary>The user's tokens for the server, unless they were stored under another binding.</summary>
    Task<TokenSet?> GetAsync(string userId, CredentialKey key, CancellationToken ct);

    /// <summary>Saves the tokens and returns the stored row's new version. With <paramref name="expectedVersion"/> only
    /// if the stored row still has it (and the key's binding); null when it did not (a refresh elsewhere won).</summary>
    Task<long?> SaveAsync(string userId, CredentialKey key, TokenSet tokens, long? expectedVersion, CancellationToken ct);

    /// <summary>Deletes the user's tokens for the server, whatever their binding.</summary>
    Task<bool> DeleteAsync(string userId, Guid serverId, CancellationToken ct);

    Task<ClientRegistration?> GetRegistrationAsync(CredentialKey key, string issuer, CancellationToken ct);

    /// <summary>Keeps the registration unless one for the server and issuer is stored already under the same binding
    /// (a concurrent flow registered first); returns the one stored, which every flow then uses.</summary>
    Task<ClientRegistration> SaveRegistrationAsync(CredentialKey key, string issuer, ClientRegistration registration, CancellationToken ct);
}
