using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace McpPlatform.Tests.Fixtures;

/// <summary>What one hostile request came back with: a status (0: refused by the host before the application,
/// -1: no answer within the hang limit, -2: the client threw), the body, the time taken, and why it counts as a failure.</summary>
public sealed record HostileAnswer(int Status, HttpResponseMessage? Response, string Text, TimeSpan Elapsed, string? Failure);

/// <summary>
/// Sends hostile requests through a test client with a hang limit and tallies the statuses, for the corpora that
/// must never see a 5xx or a hang (<c>HostileInputTests</c>, <c>OpenApiFuzzTests</c>). Safe from any thread.
/// </summary>
public sealed class HostileSender(TimeSpan hangLimit)
{
    private readonly ConcurrentDictionary<int, int> _statuses = new();
    private long _slowestTicks;

    public TimeSpan Slowest => TimeSpan.FromTicks(Interlocked.Read(ref _slowestTicks));

    /// <summary>Sends and reads the answer. Only a hang, a thrown client or a 5xx or an answer slower than the limit
    /// is a failure here; what a 4xx must look like is each corpus's own rule (see <see cref="IsProblem"/>).</summary>
    public async Task<HostileAnswer> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var timeout = new CancellationTokenSource(hangLimit);
        var clock = Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return Tally(new HostileAnswer(-1, null, string.Empty, clock.Elapsed, $"hang: no answer within {hangLimit.TotalSeconds} s"));
        }
        catch (InvalidOperationException e) when (e.StackTrace?.Contains("PathString.FromUriComponent", StringComparison.Ordinal) == true)
        {
            // A NUL in the decoded path: refused before the application by the host (TestServer throws while
            // building the request; Kestrel answers 400 at the protocol level). Counted, not a failure.
            return Tally(new HostileAnswer(0, null, string.Empty, clock.Elapsed, null));
        }
        catch (Exception e)
        {
            return Tally(new HostileAnswer(-2, null, string.Empty, clock.Elapsed,
                $"exception {e.GetType().Name}: {Truncate(e.Message, 200)} {string.Join(" / ", (e.StackTrace ?? string.Empty).Split('\n').Take(4))}"));
        }

        var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
        var status = (int)response.StatusCode;
        var elapsed = clock.Elapsed;
        var failure = elapsed > hangLimit ? $"took {elapsed.TotalSeconds:F1} s"
            : status >= 500 ? $"server error {status} {Truncate(text, 300)}"
            : null;
        return Tally(new HostileAnswer(status, response, text, elapsed, failure));
    }

    /// <summary>The statuses seen, e.g. <c>200×12, 400×803, host-refused×3</c>.</summary>
    public string Summary() => string.Join(", ", _statuses.OrderBy(kv => kv.Key).Select(kv => kv.Key switch
    {
        0 => $"host-refused×{kv.Value}",
        -1 => $"hang×{kv.Value}",
        -2 => $"exception×{kv.Value}",
        _ => $"{kv.Key}×{kv.Value}",
    }));

    public int Count(Func<int, bool> status) => _statuses.Where(kv => status(kv.Key)).Sum(kv => kv.Value);

    /// <summary>An RFC 9457 answer: <c>application/problem+json</c> whose <c>status</c> member is the response's.</summary>
    public static bool IsProblem(HttpResponseMessage response, string text, int status)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return false;
        }

        try
        {
            return JsonNode.Parse(text)?["status"]?.GetValue<int>() == status;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    public static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    private HostileAnswer Tally(HostileAnswer answer)
    {
        _statuses.AddOrUpdate(answer.Status, 1, (_, n) => n + 1);
        var ticks = answer.Elapsed.Ticks;
        var current = Interlocked.Read(ref _slowestTicks);
        while (ticks > current && Interlocked.CompareExchange(ref _slowestTicks, ticks, current) is var seen && seen != current)
        {
            current = seen;
        }

        return answer;
    }
}
