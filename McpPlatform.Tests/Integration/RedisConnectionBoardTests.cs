using McpPlatform.Domain.Connections;
using McpPlatform.Infrastructure.Mcp.Board;
using McpPlatform.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpPlatform.Tests.Integration;

/// <summary>The Redis connection board against a real Redis: each instance's state of a key is one field of the
/// owner's hash; a read gives the live instances' states; a clear removes every instance's field of the key and tells
/// the others; a dead instance's fields stop counting and are cleaned up; a graceful leave takes the instance off.</summary>
public sealed class RedisConnectionBoardTests : RedisTest
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Stamp = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private RedisConnectionBoard _a = null!;
    private RedisConnectionBoard _b = null!;
    private string _owner = null!;

    [SetUp]
    public async Task TwoInstancesAsync()
    {
        _a = new RedisConnectionBoard(Redis, TimeProvider.System, NullLogger<RedisConnectionBoard>.Instance);
        _b = new RedisConnectionBoard(Redis, TimeProvider.System, NullLogger<RedisConnectionBoard>.Instance);
        await _a.BeatAsync();
        await _b.BeatAsync();
        _owner = "board-" + Guid.NewGuid().ToString("N");
    }

    [Test]
    public async Task Record_IsOneFieldPerInstance_InTheOwnersHash_ReadByEveryInstance()
    {
        var key = new ConnectionKey("files", _owner);
        await _a.RecordAsync(key, new ConnectionSnapshot(ConnectionState.Connected, null, Stamp, 7), None);
        await _b.RecordAsync(key, new ConnectionSnapshot(ConnectionState.Error, "refused", Stamp), None);

        var read = await _b.ReadAsync([_owner, ConnectionKey.Shared], None);
        var fields = await Redis.GetDatabase().HashKeysAsync($"mcp:status:{{{_owner}}}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(fields.Select(f => f.ToString()), Is.EquivalentTo(new[] { $"files|{_a.InstanceId}", $"files|{_b.InstanceId}" }));
            Assert.That(read![key], Is.EquivalentTo(new[]
            {
                new ConnectionSnapshot(ConnectionState.Connected, null, Stamp, 7),
                new ConnectionSnapshot(ConnectionState.Error, "refused", Stamp),
            }));
            Assert.That(ConnectionStatusRules.Merge(read[key], Stamp).State, Is.EqualTo(ConnectionState.Connected));
        }
    }

    [Test]
    public async Task RecordDisconnected_RemovesOnlyThisInstancesField()
    {
        var key = new ConnectionKey("files", _owner);
        await _a.RecordAsync(key, new ConnectionSnapshot(ConnectionState.Connected, null, Stamp), None);
        await _b.RecordAsync(key, new ConnectionSnapshot(ConnectionState.Connected, null, Stamp), None);

        await _a.RecordAsync(key, new ConnectionSnapshot(ConnectionState.Disconnected, null, null), None);

        Assert.That((await _a.ReadAsync([_owner], None))![key], Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Clear_RemovesEveryInstancesFieldOfTheKey_AndTellsTheOthers()
    {
        var key = new ConnectionKey("files", _owner);
        var other = new ConnectionKey("files-2", _owner);
        var closed = new TaskCompletionSource<ConnectionKey>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _b.SubscribeAsync(k =>
        {
            if (k.Owner == _owner)
            {
                closed.TrySetResult(k);
            }

            return Task.CompletedTask;
        });
        try
        {
            await _a.RecordAsync(key, new ConnectionSnapshot(ConnectionState.Connected, null, Stamp), None);
            await _b.RecordAsync(key, new ConnectionSnapshot(ConnectionState.Connecting, null, Stamp), None);
            await _b.RecordAsync(other, new ConnectionSnapshot(ConnectionState.Connected, null, Stamp), None);

            await _a.ClearAsync(key, None);

            var read = await _b.ReadAsync([_owner], None);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(read!.ContainsKey(key), Is.False, "no instance's state of the key is left");
                Assert.That(read.ContainsKey(other), Is.True, "a server whose name starts alike is another key");
                Assert.That(await closed.Task.WaitAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(key), "the other instance is told to close its session");
            }
        }
        finally
        {
            await _b.UnsubscribeAsync();
        }
    }

    [Test]
    public async Task FieldsOfAnInstanceWhoseExpiryPassed_DoNotCount_AndAreDeleted()
    {
        var key = new ConnectionKey("files", _owner);
        var dead = Guid.NewGuid().ToString("N");
        var db = Redis.GetDatabase();
        await db.HashSetAsync("mcp:instances", dead, DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds());
        await db.HashSetAsync($"mcp:status:{{{_owner}}}", $"files|{dead}", """{"state":2,"config":1,"credential":0}""");
        await _a.RecordAsync(key, new ConnectionSnapshot(ConnectionState.Error, "refused", Stamp), None);

        var read = await _a.ReadAsync([_owner], None);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read![key].Select(s => s.State), Is.EqualTo(new[] { ConnectionState.Error }), "only the live instance's state");
            Assert.That(await WaitUntilAsync(async () => !await db.HashExistsAsync($"mcp:status:{{{_owner}}}", $"files|{dead}")), Is.True, "the dead field is cleaned up");
        }

        await db.HashDeleteAsync("mcp:instances", dead);
    }

    [Test]
    public async Task Leave_TakesTheInstanceOff_AndItsFieldsWithIt()
    {
        var key = new ConnectionKey("files", _owner);
        await _b.RecordAsync(key, new ConnectionSnapshot(ConnectionState.Connected, null, Stamp), None);

        await _b.LeaveAsync([key]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((await _a.ReadAsync([_owner], None))!.ContainsKey(key), Is.False);
            Assert.That(await Redis.GetDatabase().HashExistsAsync("mcp:instances", _b.InstanceId), Is.False);
        }
    }

    [Test]
    public async Task Beat_SaysWhenTheInstanceWasNotLiveBefore()
    {
        var fresh = new RedisConnectionBoard(Redis, TimeProvider.System, NullLogger<RedisConnectionBoard>.Instance);
        var first = await fresh.BeatAsync();
        var second = await fresh.BeatAsync();
        await Redis.GetDatabase().HashDeleteAsync("mcp:instances", fresh.InstanceId);
        var afterLoss = await fresh.BeatAsync();
        await fresh.LeaveAsync([]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.True, "its first beat");
            Assert.That(second, Is.False, "renewed in time");
            Assert.That(afterLoss, Is.True, "forgotten meanwhile (Redis lost its data): its sessions must be recorded again");
        }
    }

    [Test]
    public void TheWholeOwnerIsTheClusterHashTag_SoAUsersStatesAreOneKeyInOneSlot() =>
        Assert.That(Redis.HashSlot(RedisConnectionBoard.OwnerKey("alice|x")), Is.EqualTo(Redis.HashSlot("alice|x")));

    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }
}
