using System.Globalization;
using McpPlatform.Domain.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpPlatform.Tests.Fixtures;

/// <summary>
/// What a plain load balancer does in front of several API instances: each request goes to the next instance in
/// turn, with no affinity, its method, path, query, headers (tokens and cookies included) and body passed through, and
/// the instance's answer (status, headers such as Location and Set-Cookie, body) passed back. Redirects are not
/// followed. Listens on <c>http://localhost:&lt;port&gt;</c>.
/// </summary>
public sealed class RoundRobinProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host",
    };

    private readonly WebApplication _app;
    private readonly IReadOnlyList<Uri> _upstreams;
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(90) };
    private readonly int[] _served = new int[8];
    private int _next = -1;

    private RoundRobinProxy(WebApplication app, int port, IReadOnlyList<Uri> upstreams)
    {
        _app = app;
        Port = port;
        _upstreams = upstreams;
    }

    public int Port { get; }

    public string BaseUrl => $"http://localhost:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A client of the proxy carrying <paramref name="caller"/>'s token (none: anonymous).</summary>
    public HttpClient ClientFor(Caller? caller)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(90) };
        if (caller is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiFactory.IssueToken(caller));
        }

        return client;
    }

    /// <summary>How many requests each upstream has received, in the order they were given.</summary>
    public IReadOnlyList<int> Served => [.. _served.Take(_upstreams.Count)];

    public static async Task<RoundRobinProxy> StartAsync(params string[] upstreams)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(upstreams.Length, 8);
        for (var attempt = 1; ; attempt++)
        {
            var port = NodePeer.FreePort();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
            builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
            var app = builder.Build();
            var proxy = new RoundRobinProxy(app, port, [.. upstreams.Select(u => new Uri(u))]);
            app.Run(proxy.ForwardAsync);
            try
            {
                await app.StartAsync();
                return proxy;
            }
            catch (IOException) when (attempt < 5)
            {
                await app.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var index = (int)((uint)Interlocked.Increment(ref _next) % (uint)_upstreams.Count);
        Interlocked.Increment(ref _served[index]);
        var target = new Uri(_upstreams[index], context.Request.Path + context.Request.QueryString);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
