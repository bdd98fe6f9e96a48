using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.FlowState;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Integration;

/// <summary>The Redis flow store against a real Redis (and a real Redis Cluster, where a flow and its state lie in
/// different slots): a new flow for the same user and server replaces the earlier one, whose state stops leading
/// anywhere; both keys carry the retention TTL; a claim and a transition run once; many flows are read together.</summary>
public sealed class RedisFlowStoreTests : RedisTest
{
    private static readonly OAuthOptions Options = new() { FlowTtl = TimeSpan.FromMinutes(10) };
    private RedisFlowStore _store = null!;
    private string _user = null!;

    [OneTimeSetUp]
    public void CreateStore() => _store = new RedisFlowStore(Redis, Circuit, Options);

    [SetUp]
    public void NewUser() => _user = "flow-store-" + Guid.NewGuid().ToString("N");

    [Test]
    public async Task Save_ReplacingAFlow_OnlyTheNewStateFindsIt()
    {
        await _store.SaveAsync(Flow("first-" + _user), CancellationToken.None);
        await _store.SaveAsync(Flow("second-" + _user), CancellationToken.None);

        var db = Redis.GetDatabase();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _store.ClaimByStateAsync("first-" + _user, CancellationToken.None), Is.Null);
            Assert.That(await db.KeyExistsAsync("mcp:oauth:state:first-" + _user), Is.False, "the replaced state's key is removed");
            Assert.That((await _store.ClaimByStateAsync("second-" + _user, CancellationToken.None))?.State, Is.EqualTo("second-" + _user));
            Assert.That((await _store.GetAsync(OAuthFlow.IdFor(_user, "remote"), CancellationToken.None))?.State, Is.EqualTo("second-" + _user));
        }
    }

    [Test]
    public async Task Save_BothKeysExpireAfterTwiceTheFlowTtl()
    {
        await _store.SaveAsync(Flow("ttl-" + _user), CancellationToken.None);

        var db = Redis.GetDatabase();
        var flowTtl = await db.KeyTimeToLiveAsync("mcp:oauth:flow:" + OAuthFlow.IdFor(_user, "remote"));
        var stateTtl = await db.KeyTimeToLiveAsync("mcp:oauth:state:ttl-" + _user);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(flowTtl, Is.GreaterThan(TimeSpan.FromMinutes(19)).And.LessThanOrEqualTo(TimeSpan.FromMinutes(20)));
            Assert.That(stateTtl, Is.GreaterThan(TimeSpan.FromMinutes(19)).And.LessThanOrEqualTo(TimeSpan.FromMinutes(20)));
        }
    }

    [Test]
    public async Task Save_SameStateAgain_KeepsItsKey()
    {
        var flow = Flow("same-" + _user);
        await _store.SaveAsync(flow, CancellationToken.None);
        await _store.SaveAsync(flow with { Cancelled = true, Status = FlowStatus.Failed }, CancellationToken.None);

        var found = await _store.ClaimByStateAsync("same-" + _user, CancellationToken.None);
        Assert.That(found, Is.Not.Null);
        Assert.That(found!.Cancelled, Is.True);
    }

    [Test]
    public async Task SaveUnlessPending_KeepsAPendingFlow_AndReturnsIt()
    {
        var pending = Flow("kept-" + _user);
        Assert.That(await _store.SaveUnlessPendingAsync(pending, CancellationToken.None), Is.EqualTo(pending), "nothing pending: the flow is stored");

        var returned = await _store.SaveUnlessPendingAsync(Flow("newer-" + _user), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(returned, Is.EqualTo(pending));
            Assert.That(await Redis.GetDatabase().KeyExistsAsync("mcp:oauth:state:newer-" + _user), Is.False, "the newer state leads nowhere");
            Assert.That((await _store.GetAsync(pending.FlowId, CancellationToken.None))?.State, Is.EqualTo(pending.State));
        }
    }

    [TestCase(FlowStatus.Exchanging, false)]
    [TestCase(FlowStatus.Completed, false)]
    [TestCase(FlowStatus.Failed, false)]
    [TestCase(FlowStatus.Failed, true)]
    public async Task SaveUnlessPending_ReplacesAFlowThatIsNotPending_OrCancelled(FlowStatus status, bool cancelled)
    {
        await _store.SaveAsync(Flow("old-" + _user) with { Status = status, Cancelled = cancelled }, CancellationToken.None);
        var fresh = Flow("fresh-" + _user);

        var returned = await _store.SaveUnlessPendingAsync(fresh, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(returned, Is.EqualTo(fresh));
            Assert.That(await _store.ClaimByStateAsync("old-" + _user, CancellationToken.None), Is.Null, "the replaced state stops working");
            Assert.That((await _store.GetAsync(fresh.FlowId, CancellationToken.None))?.State, Is.EqualTo(fresh.State));
        }
    }

    [Test]
    public async Task ClaimByState_UnknownState_OrAStateWhoseFlowIsGone_IsNull()
    {
        await _store.SaveAsync(Flow("gone-" + _user), CancellationToken.None);
        await Redis.GetDatabase().KeyDeleteAsync("mcp:oauth:flow:" + OAuthFlow.IdFor(_user, "remote"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _store.ClaimByStateAsync("never-" + _user, CancellationToken.None), Is.Null);
            Assert.That(await _store.ClaimByStateAsync("gone-" + _user, CancellationToken.None), Is.Null);
        }
    }

    [Test]
    public async Task ClaimByState_ClaimsAPendingFlowOnce_AndReturnsItAsFound()
    {
        await _store.SaveAsync(Flow("claim-" + _user), CancellationToken.None);
        var id = OAuthFlow.IdFor(_user, "remote");

        var first = await _store.ClaimByStateAsync("claim-" + _user, CancellationToken.None);
        var second = await _store.ClaimByStateAsync("claim-" + _user, CancellationToken.None);

        var ttl = await Redis.GetDatabase().KeyTimeToLiveAsync("mcp:oauth:flow:" + id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first?.Status, Is.EqualTo(FlowStatus.Pending), "the first caller sees it pending: it holds the flow");
            Assert.That(second?.Status, Is.EqualTo(FlowStatus.Exchanging), "a second delivery sees it held");
            Assert.That((await _store.GetAsync(id, CancellationToken.None))?.CodeVerifier, Is.EqualTo("verifier"), "the rest of the flow is kept");
            Assert.That(ttl, Is.GreaterThan(TimeSpan.FromMinutes(19)), "the claimed flow keeps the retention TTL");
        }
    }

    [Test]
    public async Task ClaimByState_AReplacedState_LeavesTheNewFlowPending()
    {
        await _store.SaveAsync(Flow("old-" + _user), CancellationToken.None);
        await Redis.GetDatabase().StringSetAsync("mcp:oauth:state:stale-" + _user, OAuthFlow.IdFor(_user, "remote"));
        await _store.SaveAsync(Flow("new-" + _user), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _store.ClaimByStateAsync("stale-" + _user, CancellationToken.None), Is.Null, "a state key left behind leads to a flow with another state");
            Assert.That((await _store.GetAsync(OAuthFlow.IdFor(_user, "remote"), CancellationToken.None))?.Status, Is.EqualTo(FlowStatus.Pending));
        }
    }

    [Test]
    public async Task ClaimByState_ConcurrentDeliveries_OneClaimsTheFlow()
    {
        await _store.SaveAsync(Flow("race-" + _user), CancellationToken.None);

        var claims = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _store.ClaimByStateAsync("race-" + _user, CancellationToken.None)));

        Assert.That(claims.Count(c => c?.Status == FlowStatus.Pending), Is.EqualTo(1), "exactly one delivery found it pending");
    }

    [Test]
    public async Task GetMany_ReadsFlowsOfManyUsers_WhateverSlotTheyLieIn()
    {
        var flows = Enumerable.Range(0, 20).Select(i => Flow($"many-{i}-{_user}") with { FlowId = OAuthFlow.IdFor($"{_user}-{i}", "remote"), UserId = $"{_user}-{i}" }).ToList();
        foreach (var flow in flows)
        {
            await _store.SaveAsync(flow, CancellationToken.None);
        }

        var found = await _store.GetManyAsync([.. flows.Select(f => f.FlowId), "never-" + _user], CancellationToken.None);

        Assert.That(found.Values.Select(f => f.State), Is.EquivalentTo(flows.Select(f => f.State)));
    }

    [Test]
    public async Task Transition_RunsOnceFromTheExpectedStatus()
    {
        await _store.SaveAsync(Flow("transition-" + _user), CancellationToken.None);
        var id = OAuthFlow.IdFor(_user, "remote");

        var first = await _store.TryTransitionAsync(id, FlowStatus.Pending, FlowStatus.Exchanging, null, CancellationToken.None);
        var second = await _store.TryTransitionAsync(id, FlowStatus.Pending, FlowStatus.Exchanging, null, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.True);
            Assert.That(second, Is.False);
            Assert.That((await _store.GetAsync(id, CancellationToken.None))?.Status, Is.EqualTo(FlowStatus.Exchanging));
        }
    }

    private static readonly Guid ServerId = Guid.CreateVersion7();

    private OAuthFlow Flow(string state) => new(
        OAuthFlow.IdFor(_user, "remote"), state, _user, "remote", new CredentialKey(ServerId, "binding"), FlowStatus.Pending, "verifier", "https://as.example.com/authorize",
        "http://localhost:5080/api/mcp/remote/oauth/callback", "https://mcp.example.com/mcp", "https://as.example.com",
        "https://as.example.com/token", "client", "none", null, null, DateTimeOffset.UtcNow);
}
