using McpPlatform.Domain.Common;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;
using Moq;
using static McpPlatform.Domain.Tests.ConnectionTestKit;

namespace McpPlatform.Domain.Tests;

/// <summary>Valid access tokens: refresh only when due or refused, rotation, <c>invalid_grant</c>, and single-flight
/// refreshes over a real in-memory lock and a versioned fake token store.</summary>
public sealed class AccessTokenServiceTests
{
    private const string Issuer = "https://auth.example.com";
    private static readonly CancellationToken None = CancellationToken.None;

    private Clock _clock = null!;
    private OAuthOptions _options = null!;
    private VersionedTokenStore _store = null!;
    private Mock<IOAuthClient> _client = null!;
    private AccessTokenService _service = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new Clock();
        _options = new OAuthOptions { RefreshMargin = TimeSpan.FromSeconds(60) };
        _store = new VersionedTokenStore();
        _client = new Mock<IOAuthClient>();
        _service = new AccessTokenService(_store, _client.Object, new InProcessLock(), _options, _clock);
    }

    private static TokenSet Tokens(DateTimeOffset? expiresAt, string? refreshToken = "rt-1", string accessToken = "at-1") =>
        new(accessToken, refreshToken, "Bearer", expiresAt, "read", Issuer, "https://auth.example.com/token", "client", "client_secret_post",
            "https://mcp.example.com/mcp", null);

    private void RefreshReturns(TokenResponse response) =>
        _client.Setup(c => c.RefreshAsync(It.IsAny<TokenSet>(), It.IsAny<ClientRegistration>(), It.IsAny<CancellationToken>())).ReturnsAsync(response);

    private void VerifyRefreshes(int times) =>
        _client.Verify(c => c.RefreshAsync(It.IsAny<TokenSet>(), It.IsAny<ClientRegistration>(), It.IsAny<CancellationToken>()), Times.Exactly(times));

    private static readonly Guid RemoteId = Guid.CreateVersion7();

    private static UsableServer Remote(string? configuredSecret = null) => new(
        RemoteId, "remote", new McpServerConfig { Url = "https://mcp.example.com/mcp", OAuth = new OAuthSettings { ClientSecret = configuredSecret } },
        T0, ServerSource.Db);

    private Task<TokenSet?> GetAsync(long? refusedVersion = null, string? configuredSecret = null) =>
        Unwrap(_service.GetValidAsync("alice", Remote(configuredSecret), refusedVersion, null, None));

    /// <summary>The tokens, or a failed refresh as <see cref="RefreshFailed"/>.</summary>
    private static async Task<TokenSet?> Unwrap(Task<Result<TokenSet?>> valid) =>
        await valid is { IsSuccess: true } result ? result.Value : throw new RefreshFailed((await valid).Error!);

    [Test]
    public async Task NoTokens_IsNull()
    {
        Assert.That(await GetAsync(), Is.Null);
        VerifyRefreshes(0);
    }

    [Test]
    public async Task NotExpiring_IsReturnedWithoutRefresh()
    {
        var stored = _store.Seed(Tokens(T0.AddHours(1)), version: 3);

        Assert.That(await GetAsync(), Is.EqualTo(stored));
        VerifyRefreshes(0);
    }

    [Test]
    public async Task WithoutExpiry_IsReturnedWithoutRefresh()
    {
        var stored = _store.Seed(Tokens(null), version: 3);

        Assert.That(await GetAsync(), Is.EqualTo(stored));
        VerifyRefreshes(0);
    }

    [Test]
    public async Task ExpiringWithinTheMargin_IsRefreshedOnce_WithTheExpectedVersion()
    {
        _store.Seed(Tokens(T0.AddSeconds(30)), version: 7);
        RefreshReturns(new TokenResponse("at-2", "rt-2", "Bearer", 3600, "read"));

        var result = await GetAsync();

        VerifyRefreshes(1);
        _client.Verify(c => c.RefreshAsync(It.Is<TokenSet>(t => t.RefreshToken == "rt-1" && t.Version == 7), It.IsAny<ClientRegistration>(), It.IsAny<CancellationToken>()));
        Assert.That(_store.Saves, Has.Count.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_store.Saves[0].ExpectedVersion, Is.EqualTo(7));
            Assert.That(result!.AccessToken, Is.EqualTo("at-2"));
            Assert.That(result.RefreshToken, Is.EqualTo("rt-2"), "a rotated refresh token replaces the old one");
            Assert.That(result.Version, Is.EqualTo(8));
            Assert.That(result.ExpiresAt, Is.EqualTo(T0.AddHours(1)), "expiry is computed from the injected clock");
            Assert.That(result.Issuer, Is.EqualTo(Issuer));
        }
    }

    [Test]
    public async Task ShortLivedToken_JustIssued_IsNotRefreshed()
    {
        // Two seconds to live, far less than the 60 s margin: refreshing it on every use would refresh it again right
        // after each refresh.
        var stored = _store.Seed(Tokens(T0.AddSeconds(2)) with { IssuedAt = T0 }, version: 2);

        Assert.That(await GetAsync(), Is.EqualTo(stored));
        VerifyRefreshes(0);
    }

    [Test]
    public async Task ShortLivedToken_PastHalfItsLife_IsRefreshed()
    {
        _store.Seed(Tokens(T0.AddMilliseconds(900)) with { IssuedAt = T0.AddMilliseconds(-1100) }, version: 2);
        RefreshReturns(new TokenResponse("at-2", "rt-2", "Bearer", 2, "read"));

        Assert.That((await GetAsync())!.AccessToken, Is.EqualTo("at-2"));
        VerifyRefreshes(1);
    }

    [Test]
    public async Task AlreadyExpired_IsRefreshed()
    {
        _store.Seed(Tokens(T0.AddMinutes(-5)), version: 1);
        RefreshReturns(new TokenResponse("at-2", null, "Bearer", 3600, null));

        Assert.That((await GetAsync())!.AccessToken, Is.EqualTo("at-2"));
    }

    [Test]
    public async Task RefreshResponseWithoutRefreshToken_KeepsTheOldOne()
    {
        _store.Seed(Tokens(T0.AddSeconds(30)), version: 1);
        RefreshReturns(new TokenResponse("at-2", null, "Bearer", 3600, null));

        var result = await GetAsync();

        Assert.That(result!.RefreshToken, Is.EqualTo("rt-1"));
        Assert.That(_store.Saves.Single().Tokens.RefreshToken, Is.EqualTo("rt-1"));
    }

    [Test]
    public async Task InvalidGrant_DeletesTheTokens_AndReturnsNull_WithoutLooping()
    {
        _store.Seed(Tokens(T0.AddSeconds(30)), version: 1);
        _client.Setup(c => c.RefreshAsync(It.IsAny<TokenSet>(), It.IsAny<ClientRegistration>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(OAuthErrors.InvalidGrant("The token request failed (HTTP 400: invalid_grant)"));

        var result = await GetAsync();

        Assert.That(result, Is.Null);
        VerifyRefreshes(1);
        Assert.That(_store.Deletes, Is.EqualTo(1));
        Assert.That(_store.Current, Is.Null);
        Assert.That(_store.Saves, Is.Empty);
    }

    [Test]
    public void OtherRefreshFailures_Propagate_AndKeepTheTokens()
    {
        var stored = _store.Seed(Tokens(T0.AddSeconds(30)), version: 1);
        _client.Setup(c => c.RefreshAsync(It.IsAny<TokenSet>(), It.IsAny<ClientRegistration>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(OAuthErrors.Unreachable("down"));

        Assert.ThrowsAsync<RefreshFailed>(() => GetAsync());
        Assert.That(_store.Current, Is.EqualTo(stored));
    }

    [Test]
    public async Task RefusedVersionEqualToTheStoredOne_ForcesARefresh()
    {
        _store.Seed(Tokens(T0.AddHours(1)), version: 5);
        RefreshReturns(new TokenResponse("at-2", "rt-2", "Bearer", 3600, null));

        var result = await GetAsync(refusedVersion: 5);

        VerifyRefreshes(1);
        Assert.That(result!.AccessToken, Is.EqualTo("at-2"));
        Assert.That(_store.Saves.Single().ExpectedVersion, Is.EqualTo(5));
    }

    [Test]
    public async Task RefusedVersionOlderThanTheStoredOne_ReturnsTheStoredTokenWithoutRefreshing()
    {
        var stored = _store.Seed(Tokens(T0.AddHours(1), accessToken: "at-newer"), version: 6);

        var result = await GetAsync(refusedVersion: 5);

        Assert.That(result, Is.EqualTo(stored));
        VerifyRefreshes(0);
    }

    [Test]
    public async Task RefusedToken_WithoutARefreshToken_IsNull()
    {
        _store.Seed(Tokens(T0.AddHours(1), refreshToken: null), version: 2);

        Assert.That(await GetAsync(refusedVersion: 2), Is.Null);
        VerifyRefreshes(0);
    }

    [Test]
    public async Task ExpiringSoonWithoutARefreshToken_IsStillUsedUntilItExpires()
    {
        var stored = _store.Seed(Tokens(T0.AddSeconds(30), refreshToken: null), version: 2);

        Assert.That(await GetAsync(), Is.EqualTo(stored));

        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.That(await GetAsync(), Is.Null);
        VerifyRefreshes(0);
    }

    [Test]
    public async Task Refresh_UsesTheStoredRegistrationsSecret_ElseTheConfiguredOne()
    {
        _store.Seed(Tokens(T0.AddSeconds(30)), version: 1);
        RefreshReturns(new TokenResponse("at-2", null, "Bearer", 3600, null));

        await GetAsync(configuredSecret: "cfg-secret");
        _client.Verify(c => c.RefreshAsync(It.IsAny<TokenSet>(), new ClientRegistration("client", "cfg-secret", "client_secret_post"), It.IsAny<CancellationToken>()), Times.Once);

        _store.Registration = new ClientRegistration("client", "stored-secret", "client_secret_basic");
        _store.Seed(Tokens(T0.AddSeconds(30)), version: 10);
        await GetAsync(configuredSecret: "cfg-secret");
        _client.Verify(c => c.RefreshAsync(It.IsAny<TokenSet>(), new ClientRegistration("client", "stored-secret", "client_secret_post"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task ConcurrentCalls_RefreshExactlyOnce()
    {
        _store.Seed(Tokens(T0.AddSeconds(30)), version: 1);
        var refreshing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _client.Setup(c => c.RefreshAsync(It.IsAny<TokenSet>(), It.IsAny<ClientRegistration>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                refreshing.TrySetResult();
                await Task.Delay(100);
                return new TokenResponse("at-2", "rt-2", "Bearer", 3600, null);
            });

        var first = Task.Run(() => GetAsync());
        await refreshing.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var second = Task.Run(() => GetAsync());
        var results = await Task.WhenAll(first, second);

        VerifyRefreshes(1);
        Assert.That(results.Select(r => r?.AccessToken), Is.All.EqualTo("at-2"));
        Assert.That(_store.Saves, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ManyConcurrentCalls_RefreshExactlyOnce()
    {
        _store.Seed(Tokens(T0.AddSeconds(30)), version: 1);
        _client.Setup(c => c.RefreshAsync(It.IsAny<TokenSet>(), It.IsAny<ClientRegistration>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                await Task.Delay(50);
                return new TokenResponse("at-2", "rt-2", "Bearer", 3600, null);
            });

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => GetAsync())));

        VerifyRefreshes(1);
        Assert.That(results.Select(r => r?.AccessToken), Is.All.EqualTo("at-2"));
    }

    [Test]
    public void LockNotAcquired_AndNobodyElseRefreshed_Throws()
    {
        var locks = new Mock<IDistributedLock>();
        locks.Setup(l => l.TryAcquireAsync(It.IsAny<string>(), It.IsAny<TimeSpan>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>())).ReturnsAsync((IAsyncDisposable?)null);
        var service = new AccessTokenService(_store, _client.Object, locks.Object, _options, _clock);
        _store.Seed(Tokens(T0.AddSeconds(30)), version: 1);

        var e = Assert.ThrowsAsync<RefreshFailed>(() => Unwrap(service.GetValidAsync("alice", Remote(), null, null, None)));

        Assert.That(e.Failure, Is.EqualTo(OAuthErrors.TokenEndpointCode));
        VerifyRefreshes(0);
    }

    /// <summary>A refresh that failed otherwise than with invalid_grant.</summary>
    private sealed class RefreshFailed(Error error) : Exception(error.Message)
    {
        public string? Failure => error.ErrorText;
    }

    /// <summary>One user × server's tokens with a row version that every save bumps, honouring the expected version.</summary>
    private sealed class VersionedTokenStore : ITokenStore
    {
        private readonly Lock _gate = new();
        private readonly List<(TokenSet Tokens, long? ExpectedVersion)> _saves = [];
        private TokenSet? _tokens;
        private int _deletes;

        public ClientRegistration? Registration { get; set; }

        public TokenSet? Current
        {
            get
            {
                lock (_gate)
                {
                    return _tokens;
                }
            }
        }

        public IReadOnlyList<(TokenSet Tokens, long? ExpectedVersion)> Saves
        {
            get
            {
                lock (_gate)
                {
                    return [.. _saves];
                }
            }
        }

        public int Deletes => Volatile.Read(ref _deletes);

        public TokenSet Seed(TokenSet tokens, long version)
        {
            lock (_gate)
            {
                _tokens = tokens with { Version = version };
                return _tokens;
            }
        }

        public Task<TokenSet?> GetAsync(string userId, CredentialKey key, CancellationToken ct) => Task.FromResult(Current);

        public Task<long?> SaveAsync(string userId, CredentialKey key, TokenSet tokens, long? expectedVersion, CancellationToken ct)
        {
            lock (_gate)
            {
                _saves.Add((tokens, expectedVersion));
                if (expectedVersion is { } expected && _tokens?.Version != expected)
                {
                    return Task.FromResult<long?>(null);
                }

                _tokens = tokens with { Version = (_tokens?.Version ?? 0) + 1 };
                return Task.FromResult<long?>(_tokens.Version);
            }
        }

        public Task<bool> DeleteAsync(string userId, Guid serverId, CancellationToken ct)
        {
            Interlocked.Increment(ref _deletes);
            lock (_gate)
            {
                var existed = _tokens is not null;
                _tokens = null;
                return Task.FromResult(existed);
            }
        }

        public Task<ClientRegistration?> GetRegistrationAsync(CredentialKey key, string issuer, CancellationToken ct) => Task.FromResult(Registration);

        public Task<ClientRegistration> SaveRegistrationAsync(CredentialKey key, string issuer, ClientRegistration registration, CancellationToken ct)
        {
            Registration ??= registration;
            return Task.FromResult(Registration);
        }
    }

    /// <summary>The distributed lock's contract within one process: one holder per key at a time.</summary>
    private sealed class InProcessLock : IDistributedLock
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

        public async Task<IAsyncDisposable?> TryAcquireAsync(string key, TimeSpan hold, TimeSpan wait, CancellationToken ct)
        {
            var semaphore = _locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
            return await semaphore.WaitAsync(wait, ct) ? new Held(semaphore) : null;
        }

        private sealed class Held(SemaphoreSlim semaphore) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                semaphore.Release();
                return ValueTask.CompletedTask;
            }
        }
    }
}
