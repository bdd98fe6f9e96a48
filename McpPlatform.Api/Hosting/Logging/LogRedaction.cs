using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace McpPlatform.Api.Hosting.Logging;

/// <summary>
/// The log sanitiser: every log line, from the platform, ASP.NET Core, HttpClient or the MCP SDK, passes through
/// <see cref="Redact"/> before any provider sees it — message, structured values and exception text — so a bearer
/// token, JWT, client secret, authorization code or refresh token cannot reach a log even if some code logs one.
/// </summary>
public static partial class LogRedaction
{
    public const string Mask = "[REDACTED]";

    public static string Redact(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        text = Jwt().Replace(text, Mask);
        text = AuthorizationScheme().Replace(text, m => m.Groups["scheme"].Value + " " + Mask);
        text = QueryOrFormSecret().Replace(text, m => m.Groups["key"].Value + "=" + Mask);
        return JsonSecret().Replace(text, m => m.Groups["key"].Value + Mask + "\"");
    }

    /// <summary>Replaces the logger factory so every provider, including ones added later (tests), is wrapped.</summary>
    public static void AddLogRedaction(this IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory, RedactingLoggerFactory>());

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?<scheme>Bearer|Basic)\s+[A-Za-z0-9\-._~+/]{8,}=*", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorizationScheme();

    [GeneratedRegex(@"\b(?<key>access_token|refresh_token|id_token|client_secret|code_verifier|code|token|password|state)=(?<value>[^&\s""']+)", RegexOptions.IgnoreCase)]
    private static partial Regex QueryOrFormSecret();

    [GeneratedRegex(@"(?<key>""(?:access_token|refresh_token|id_token|client_secret|code_verifier|password)""\s*:\s*"")[^""]*""", RegexOptions.IgnoreCase)]
    private static partial Regex JsonSecret();

    private sealed class RedactingLoggerFactory(IEnumerable<ILoggerProvider> providers, IOptionsMonitor<LoggerFilterOptions> filters, IOptions<LoggerFactoryOptions> options)
        : LoggerFactory(providers.Select(p => (ILoggerProvider)new RedactingProvider(p)), filters, options);

    /// <summary>Categories whose Trace records carry payloads no pattern can recognise as secret: MCP message bodies
    /// (tool arguments and results) and MVC action arguments (an OAuth code is just a string). Never written.</summary>
    private static readonly string[] PayloadTracingCategories = ["ModelContextProtocol", "Microsoft.AspNetCore.Mvc.Infrastructure.ControllerActionInvoker"];

    private sealed class RedactingProvider(ILoggerProvider inner) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName),
            PayloadTracingCategories.Any(prefix => categoryName.StartsWith(prefix, StringComparison.Ordinal)));

        public void Dispose() => inner.Dispose();
    }

    private sealed class RedactingLogger(ILogger inner, bool dropsTrace) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => (logLevel != LogLevel.Trace || !dropsTrace) && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var redacted = new RedactedState(Redact(formatter(state, exception)), state as IEnumerable<KeyValuePair<string, object?>>);
            var safeException = exception is null ? null : new RedactedException(exception);
            inner.Log(logLevel, eventId, redacted, safeException, static (s, _) => s.Message);
        }
    }

    /// <summary>The structured values of a log entry, with every string value redacted and control characters removed.</summary>
    private sealed class RedactedState(string message, IEnumerable<KeyValuePair<string, object?>>? values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly List<KeyValuePair<string, object?>> _values = values?
            .Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value is string text && kv.Key != "{OriginalFormat}" ? Clean(Redact(text)) : kv.Value))
            .ToList() ?? [];

        public string Message { get; } = message;

        public int Count => _values.Count;

        public KeyValuePair<string, object?> this[int index] => _values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Message;

        private static string Clean(string value) => string.Concat(value.Select(c => char.IsControl(c) ? '_' : c));
    }

    /// <summary>An exception as logs show it (type, message, stack), redacted.</summary>
    private sealed class RedactedException(Exception original) : Exception(Redact(original.Message))
    {
        private readonly string _text = Redact(original.ToString());

        public override string ToString() => _text;

        public override string? StackTrace => null;
    }
}
