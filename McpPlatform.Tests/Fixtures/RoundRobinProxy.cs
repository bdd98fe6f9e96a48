using McpPlatform.Domain.Identity;

namespace McpPlatform.Tests.Fixtures;

/// <summary>
/// A load balancer without affinity in front of several API processes, as the caller's HTTP client sees it: every
/// request goes to the next instance in turn (the first to the first). <see cref="Served"/> names the instance of
/// each request, so a test can say which one answered.
/// </summary>
public sealed class RoundRobinProxy : DelegatingHandler
{
    private readonly IReadOnlyList<ApiProcess> _instances;
    private readonly List<string> _served = [];
    private int _next;

    private RoundRobinProxy(IReadOnlyList<ApiProcess> instances)
        : base(new RecordingHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }))
    {
        _instances = instances;
    }

    public IReadOnlyList<string> Served
    {
        get
        {
            lock (_served)
            {
                return [.. _served];
            }
        }
    }

    /// <summary>A proxy over <paramref name="instances"/> whose clients (<see cref="ClientFor"/>) share one turn: two
    /// requests in a row, by any of them, go to two different instances.</summary>
    public static RoundRobinProxy Over(params ApiProcess[] instances) => new(instances);

    /// <summary>A client of the caller whose requests alternate over <paramref name="instances"/>.</summary>
    public static (HttpClient Client, RoundRobinProxy Proxy) For(Caller caller, params ApiProcess[] instances)
    {
        var proxy = new RoundRobinProxy(instances);
        return (proxy.ClientFor(caller, disposeProxy: true), proxy);
    }

    /// <summary>A client of this proxy carrying <paramref name="caller"/>'s token (none: anonymous).</summary>
    public HttpClient ClientFor(Caller? caller, bool disposeProxy = false)
    {
        var client = new HttpClient(this, disposeProxy) { BaseAddress = new Uri("http://load-balancer"), Timeout = TimeSpan.FromSeconds(60) };
        if (caller is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiFactory.IssueToken(caller));
        }

        return client;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ApiProcess instance;
        lock (_served)
        {
            instance = _instances[_next++ % _instances.Count];
            _served.Add(instance.Name);
        }

        request.RequestUri = new Uri(new Uri(instance.BaseUrl), request.RequestUri!.PathAndQuery);
        return base.SendAsync(request, cancellationToken);
    }
}
