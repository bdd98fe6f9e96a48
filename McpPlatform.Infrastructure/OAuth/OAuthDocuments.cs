using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpPlatform.Domain.OAuth;
using McpPlatform.Domain.Servers;

namespace McpPlatform.Infrastructure.OAuth;

/// <summary>
/// Reading what authorization and protected-resource servers send, all of it untrusted: documents are read up to
/// <see cref="MaxDocumentBytes"/> and within <see cref="RequestTimeout"/> (so an endless or slow-drip answer ends),
/// members of the wrong JSON type count as absent, and every URL taken from them must be an absolute https URL (http
/// only to a loopback host the outbound policy allows) before anything is sent to it or handed to a browser.
/// </summary>
internal sealed class OAuthDocuments(HttpClient http, IOutboundUrlPolicy urlPolicy)
{
    /// <summary>Far above any real metadata document or token response (a few KiB).</summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public async Task<(JsonObject? Json, string? Url)> FirstJsonAsync(IEnumerable<string> urls, IReadOnlyDictionary<string, string> extraHeaders, CancellationToken ct)
    {
        foreach (var url in urls.Distinct(StringComparer.Ordinal))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            foreach (var (name, value) in extraHeaders)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            var (status, json) = await SendAsync(request, ct);
            if (status == HttpStatusCode.OK && json is not null)
            {
                return (json, url);
            }
        }

        return (null, null);
    }

    /// <summary>One request and its answer as JSON (null when it is not a JSON object), reading at most
    /// <see cref="MaxDocumentBytes"/> of it and giving up after <see cref="RequestTimeout"/>.</summary>
    public async Task<(HttpStatusCode Status, JsonObject? Json)> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        var where = request.RequestUri?.GetLeftPart(UriPartial.Path);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadBoundedAsync(response.Content, where, timeout.Token);
            JsonObject? json = null;
            try
            {
                json = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 32 }) as JsonObject;
            }
            catch (JsonException)
            {
                // Not JSON: the caller decides what the status means.
            }

            return (response.StatusCode, json);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new OAuthFault(OAuthErrors.Unreachable($"{where} did not answer within {RequestTimeout.TotalSeconds:0} s"), e);
        }
        catch (HttpRequestException e)
        {
            throw new OAuthFault(OAuthErrors.Unreachable($"{where} could not be reached: {e.Message}"), e);
        }
    }

    /// <summary>The body, refused as soon as it is known to be larger than <see cref="MaxDocumentBytes"/> (by its
    /// declared length, else once that many bytes have arrived): the excess is never buffered.</summary>
    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, string? where, CancellationToken ct)
    {
        if (content.Headers.ContentLength > MaxDocumentBytes)
        {
            throw TooLarge(where);
        }

        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxDocumentBytes)
            {
                throw TooLarge(where);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static OAuthFault TooLarge(string? where) =>
        new(OAuthErrors.Discovery($"{where} answered with more than {MaxDocumentBytes / 1024} KiB; not read"));

    /// <summary>A member's string value; absent, null or of another JSON type is null.</summary>
    public static string? Text(JsonObject json, string member) =>
        json[member] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>An endpoint from metadata: absent is null (or an error when <paramref name="required"/>), anything but
    /// an acceptable absolute URL an error naming the member.</summary>
    public string? Endpoint(JsonObject metadata, string member, bool required = false) =>
        metadata.ContainsKey(member) && metadata[member] is not null
            ? Endpoint(Text(metadata, member) ?? throw new OAuthFault(OAuthErrors.Discovery($"The authorization server metadata's {member} is not a URL")), member)
            : required ? throw new OAuthFault(OAuthErrors.Discovery($"The authorization server metadata has no {member}")) : null;

    /// <summary>A URL the platform will call or send a browser to: absolute, https (http only to a loopback host the
    /// outbound policy allows), without credentials in it. Refused as an error naming where it came from: a
    /// <c>javascript:</c> or <c>data:</c> authorization endpoint would otherwise reach the SPA as a link.</summary>
    public string Endpoint(string url, string member)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new OAuthFault(OAuthErrors.Discovery($"The authorization server's {member} is not an absolute https URL"));
        }

        if (!urlPolicy.AllowsPlainHttp(uri))
        {
            throw new OAuthFault(OAuthErrors.Discovery($"The authorization server's {member} is not https"));
        }

        if (uri.UserInfo.Length > 0)
        {
            throw new OAuthFault(OAuthErrors.Discovery($"The authorization server's {member} carries credentials"));
        }

        return url;
    }

    public static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>()] : [];

    public static string ErrorSuffix(JsonObject? json) =>
        json is not null && Text(json, "error") is { } error ? $": {SafeToken(error)}" : string.Empty;

    /// <summary>An authorization server's error code is shown to users: only a short token of safe characters passes.</summary>
    private static string SafeToken(string value) =>
        value.Length <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') ? value : "(unreadable error code)";
}
