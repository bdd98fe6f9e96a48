using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace McpPlatform.Tests.Fixtures;

/// <summary>Keeps every log line the hosted API writes (message and exception), so tests can scan them for secrets;
/// the run-wide secret scan reads them from <see cref="RunArtifacts.Logs"/>.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel} {category}: {formatter(state, exception)} {exception}";
            owner._lines.Enqueue(line);
            RunArtifacts.Append(RunArtifacts.Logs, line);
        }
    }
}
