using McpPlatform.Domain.Telemetry;

namespace McpPlatform.Infrastructure.Mcp;

/// <summary>Records a tools/list duration when disposed, whichever way the listing ends.</summary>
internal readonly struct ToolListTimer(long started) : IDisposable
{
    public void Dispose() => PlatformTelemetry.ToolListDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
}
