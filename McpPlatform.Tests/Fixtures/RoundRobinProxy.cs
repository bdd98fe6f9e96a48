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

    /// <summary>A client of the caller whose requests alternate over <paramref name="instances"/>.</summary>
    public static (HttpClient Client, RoundRobinProxy Proxy) For(Caller caller, params ApiProcess[] instances)
    {
        var proxy = new RoundRobinProxy(instances);
        var client = new HttpClient(proxy) { BaseAddress = new Uri("http://load-balancer"), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiFactory.IssueToken(caller));
        return (client, proxy);
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
