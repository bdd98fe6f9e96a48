using System.Text.Json;
using System.Text.RegularExpressions;

namespace McpPlatform.Tests.Fixtures;

/// <summary>
/// Sits in every test client of the API: records each response body, and each secret the request carried (bearer
/// tokens, values of secret-named JSON members, header values, credential variables), for the run-wide secret scan.
/// </summary>
public sealed partial class RecordingHandler : DelegatingHandler
{
    /// <summary>For a pipeline that sets the inner handler itself (WebApplicationFactory's).</summary>
    public RecordingHandler()
    {
    }

    /// <summary>Over a real network connection, redirects not followed.</summary>
    public RecordingHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    /// <summary>Shorter strings are too likely to occur by chance to be worth scanning for.</summary>
    private const int MinimumSecretLength = 12;

    /// <summary>Longer strings are the hostile corpus's oversized values, not secrets.</summary>
    private const int MaximumSecretLength = 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is { Scheme: "Bearer", Parameter: { } bearer })
        {
            RecordSecret(bearer);
        }

        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken);
            RecordSecretsIn(await ReadUtf8Async(request.Content, cancellationToken));
        }

        var response = await base.SendAsync(request, cancellationToken);
        // A tool's result is the MCP server's own output (server-everything echoes its environment on request), not
        // something the platform chose to reveal; streams of events are left alone too.
        var path = request.RequestUri?.AbsolutePath ?? string.Empty;
        if (!ToolCall().IsMatch(path) && response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await ReadUtf8Async(response.Content, cancellationToken);
            RunArtifacts.Append(RunArtifacts.Responses, $"{request.Method} {path} -> {(int)response.StatusCode} {response.Headers.Location} {body}");
        }

        return response;
    }

    /// <summary>As UTF-8 whatever charset the content claims (the hostile corpus claims some .NET refuses, such as UTF-7).</summary>
    private static async Task<string> ReadUtf8Async(HttpContent content, CancellationToken ct) =>
        System.Text.Encoding.UTF8.GetString(await content.ReadAsByteArrayAsync(ct));

    private static void RecordSecretsIn(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            Walk(document.RootElement);
        }
        catch (JsonException)
        {
            // Not JSON (the hostile corpus sends plenty): nothing to learn from it.
        }
    }

    private static void Walk(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Walk(item);
            }
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var member in element.EnumerateObject())
        {
            if (member.Value.ValueKind == JsonValueKind.String && SecretName().IsMatch(member.Name) && !NamesAPlace().IsMatch(member.Name))
            {
                RecordSecret(member.Value.GetString()!);
            }
            else if (member.Value.ValueKind == JsonValueKind.Object && WriteOnlyMap().IsMatch(member.Name))
            {
                foreach (var entry in member.Value.EnumerateObject().Where(e => e.Value.ValueKind == JsonValueKind.String))
                {
                    RecordSecret(entry.Value.GetString()!);
                }
            }
            else
            {
                Walk(member.Value);
            }
        }
    }

    private static void RecordSecret(string value)
    {
        if (value.Length is >= MinimumSecretLength and <= MaximumSecretLength && !value.Contains('\n') && !value.All(c => c == '*'))
        {
            RunArtifacts.Append(RunArtifacts.SentSecrets, value);
        }
    }

    /// <summary>Member names whose string values are secrets: OAuth client secrets, tokens, passwords, API keys.</summary>
    [GeneratedRegex("secret|token|password|api[-_]?key", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    /// <summary>Secret-sounding names that hold an address or a choice, not a secret (<c>token_url</c>, <c>token_endpoint_auth_method</c>).</summary>
    [GeneratedRegex("(url|uri|endpoint|method|type)$", RegexOptions.IgnoreCase)]
    private static partial Regex NamesAPlace();

    /// <summary>Maps whose every value is write-only: outbound headers and credential variables (<c>auth</c> of <c>POST /api/user/plugins</c>).</summary>
    [GeneratedRegex("^(headers|auth)$", RegexOptions.IgnoreCase)]
    private static partial Regex WriteOnlyMap();

    [GeneratedRegex("/tools/[^/]+/call$")]
    private static partial Regex ToolCall();
}
