using McpPlatform.Domain.Identity;

namespace McpPlatform.Tests.Fixtures;

/// <summary>Base of the tests that start their own processes (API processes, node peers): an empty database before
/// each test, and everything the test kept stopped after it, last started first.</summary>
public abstract class ProcessTest
{
    protected static readonly Caller Alice = new("alice", SystemRoles.User, ["team-a"], "Alice", "alice@example.com");

    private readonly List<IAsyncDisposable> _started = [];

    [SetUp]
    public async Task FreshDatabase()
    {
        await TestRun.StartApiAsync();
        await TestDatabase.ResetAsync();
    }

    [TearDown]
    public async Task StopWhatTheTestStarted()
    {
        foreach (var started in Enumerable.Reverse(_started))
        {
            await started.DisposeAsync();
        }

        _started.Clear();
    }

    /// <summary>Two instances behind one public URL (the first's), as behind a load balancer; both stopped when the test ends.</summary>
    protected async Task<(ApiProcess First, ApiProcess Second)> StartPairAsync()
    {
        var first = Keep(await ApiProcess.StartAsync("instance-a"));
        var second = Keep(await ApiProcess.StartAsync("instance-b", new Dictionary<string, string> { ["Server:PublicBaseUrl"] = first.BaseUrl }));
        return (first, second);
    }

    /// <summary>Stops <paramref name="started"/> when the test ends.</summary>
    protected T Keep<T>(T started)
        where T : IAsyncDisposable
    {
        _started.Add(started);
        return started;
    }
}
