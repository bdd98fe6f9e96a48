using System.Collections.Concurrent;
using System.Diagnostics;
using McpPlatform.Tests.Fixtures;
using Microsoft.OpenApi;

namespace McpPlatform.Tests.Api;

/// <summary>
/// Fuzzes every operation of the application's own OpenAPI document (<c>/swagger/v1/swagger.json</c>): every path,
/// query and header parameter and every member of every JSON body its schemas describe gets each hostile value of its
/// type (see <see cref="OpenApiFuzzCorpus"/>), as no caller, a USER (the owner of the servers named, and another) and an
/// ADMIN, about 10,000 requests from a fixed seed. A new operation is fuzzed without anyone listing it; the hand-written
/// corpus of <see cref="HostileInputTests"/> keeps its own checks (the database unchanged, the callback's redirects).
/// <para>Asserted: no 5xx but the documented upstream answers (502, 503, 504 as ProblemDetails: the named servers point
/// at a host that does not exist), every answer within 10 s, every 4xx a ProblemDetails (the OAuth callback may
/// also redirect). TestServer refuses a NUL in the decoded path itself, as Kestrel does; those are counted apart.</para>
/// <para>The fuzz's client does not record what it sends for the run-wide secret scan: its values land in secret
/// fields (header values, credential variables) and, as legitimately, in paths that answers echo.</para>
/// </summary>
public sealed class OpenApiFuzzTests : ApiTest
{
    private const int Seed = 20261205;
    private const int Requests = 10_000;
    private const int Concurrency = 8;
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);
    private static readonly int[] UpstreamStatuses = [502, 503, 504];

    private const string BaseName = "fuzz-base";

    protected override Task<ApiFactory> StartHostAsync() => TestRun.StartHostileApiAsync();

    [Test]
    public async Task EveryOperation_HostileValues_NoServerError_NoHang_ProblemDetails()
    {
        await SeeAsync(Alice, Bob, Admin);
        var server = await CreateServerAsync(Alice, new { type = "streamable-http", url = OpenApiFuzzCorpus.UnreachableUrl, title = "Fuzz Base" });
        var dbId = server["dbId"]!.GetValue<string>();
        await ShareAsync(Alice, dbId, new { updated = new[] { new { type = "user", id = "bob", accessRoleId = "mcpServer_viewer" } } });

        var operations = FuzzOperation.From(await ReadDocumentAsync());
        var tokens = new Dictionary<string, string?>
        {
            ["anonymous"] = null,
            ["USER alice"] = Api.TokenFor(Alice),
            ["USER bob"] = Api.TokenFor(Bob),
            ["ADMIN"] = Api.TokenFor(Admin),
        };
        string[] plausible = [BaseName, dbId, "USER", "ADMIN", "alice", "bob", $"alice:{BaseName}", ApiFactory.AppServerName, "echo", "al", "mcpServer_viewer"];
        var corpus = new OpenApiFuzzCorpus(new Random(Seed), [.. tokens.Keys], plausible).Generate(operations, Requests, systematicCaller: "ADMIN");
        Assert.That(operations, Has.Count.GreaterThanOrEqualTo(20), "the document lists the API's operations");

        var sender = new HostileSender(HangLimit);
        var failures = new ConcurrentQueue<string>();
        var client = Api.CreateDefaultClient(new Uri("http://localhost"));
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (item, _) =>
        {
            if (await SendAsync(sender, client, item, tokens[item.Caller]) is { } failure)
            {
                failures.Enqueue($"#{item.Index} {item.Operation} as {item.Caller}, {item.Target}: {item.Method} {HostileSender.Truncate(item.Url, 160)} → {failure}");
            }
        });
        clock.Stop();

        await TestContext.Out.WriteLineAsync(
            $"{corpus.Count} requests over {operations.Count} operations ({operations.Sum(o => o.Parameters.Count)} parameters, {operations.Count(o => o.HasBody)} bodies) " +
            $"in {clock.Elapsed.TotalSeconds:F1} s (slowest {sender.Slowest.TotalMilliseconds:F0} ms); statuses: {sender.Summary()}; failures: {failures.Count}");
        await TestContext.Out.WriteLineAsync("operations: " + string.Join(", ", operations.Select(o => o.Name)));
        Assert.That(failures, Is.Empty, string.Join("\n", failures.Take(40)));
    }

    private async Task<OpenApiDocument> ReadDocumentAsync()
    {
        using var response = await As(null).GetAsync("/swagger/v1/swagger.json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, text);
        var read = OpenApiDocument.Parse(text, "json");
        Assert.That(read.Document, Is.Not.Null, string.Join("; ", read.Diagnostic?.Errors.Select(e => e.Message) ?? []));
        return read.Document!;
    }

    private static async Task<string?> SendAsync(HostileSender sender, HttpClient client, FuzzRequest item, string? token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(item.Method), item.Url);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        if (item.Body is not null || item.ContentType is not null)
        {
            request.Content = new ByteArrayContent(item.Body ?? []);
            if (item.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", item.ContentType);
            }
        }

        foreach (var (name, value) in item.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var answer = await sender.SendAsync(client, request);
        using var response = answer.Response;
        if (response is null)
        {
            return answer.Failure;
        }

        var (status, text) = (answer.Status, answer.Text);
        if (answer.Elapsed > HangLimit || (status >= 500 && !(UpstreamStatuses.Contains(status) && HostileSender.IsProblem(response, text, status))))
        {
            return answer.Failure;
        }

        if (status >= 400 && !HostileSender.IsProblem(response, text, status))
        {
            return $"{status} is not a ProblemDetails: {response.Content.Headers.ContentType} {HostileSender.Truncate(text, 300)}";
        }

        return null;
    }
}
