using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.EndToEnd;

/// <summary>The MCP instruments reach the Prometheus endpoint and move when the platform works.</summary>
[NonParallelizable]
public sealed partial class MetricsEndToEndTests : ApiTest
{
    protected override Task<ApiFactory> StartHostAsync() => ConnectionsHost.StartAsync();

    [Test]
    public async Task Metrics_ShowTheMcpInstruments_WithValuesThatMoved()
    {
        await using var peer = await NodePeer.StartEverythingStreamableAsync();
        var before = await ScrapeAsync();
        var name = (await CreateServerAsync(Alice, new { type = "streamable-http", url = peer.Url, title = ConnectionsEndToEndTests.Unique("Metered") }))["serverName"]!.GetValue<string>();
        (await As(Alice).PostAsync($"/api/mcp/{name}/reinitialize", null)).Dispose();
        (await As(Alice).PostAsJsonAsync($"/api/mcp/{name}/tools/echo/call", new { arguments = new { message = "m" } })).Dispose();
        (await As(Alice).PostAsJsonAsync($"/api/mcp/{name}/tools/nope/call", new { arguments = new { } })).Dispose();
        (await As(Alice).GetAsync("/api/mcp/tools")).Dispose();
        (await As(Alice).PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "http", url = "http://10.1.2.3/mcp" } })).Dispose();
        var after = await ScrapeAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Sum(after, "mcp_tool_calls_total", "outcome=\"ok\""), Is.GreaterThan(Sum(before, "mcp_tool_calls_total", "outcome=\"ok\"")));
            Assert.That(Sum(after, "mcp_tool_calls_total", "outcome=\"not_found\""), Is.GreaterThan(Sum(before, "mcp_tool_calls_total", "outcome=\"not_found\"")));
            Assert.That(Sum(after, "mcp_connect_duration_milliseconds_count", "outcome=\"connected\""), Is.GreaterThan(Sum(before, "mcp_connect_duration_milliseconds_count", "outcome=\"connected\"")));
            Assert.That(Sum(after, "mcp_tools_list_duration_milliseconds_count", ""), Is.GreaterThan(Sum(before, "mcp_tools_list_duration_milliseconds_count", "")));
            Assert.That(Sum(after, "mcp_tool_cache_lookups_total", "result=\"hit\""), Is.GreaterThan(Sum(before, "mcp_tool_cache_lookups_total", "result=\"hit\"")));
            Assert.That(Sum(after, "mcp_ssrf_refusals_total", ""), Is.GreaterThan(Sum(before, "mcp_ssrf_refusals_total", "")));
            Assert.That(Sum(after, "mcp_connections", "state=\"connected\""), Is.GreaterThan(0));
            Assert.That(after, Does.Contain("aspnetcore_"), "ASP.NET Core instruments are exported too");
        }
    }

    private async Task<string> ScrapeAsync()
    {
        using var response = await As(null).GetAsync("/metrics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of every sample of a series whose labels contain <paramref name="label"/>.</summary>
    private static double Sum(string exposition, string series, string label) =>
        Sample().Matches(exposition)
            .Where(m => m.Groups["name"].Value == series && m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|NaN)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
