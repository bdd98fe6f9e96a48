using System.Diagnostics.Metrics;
using McpPlatform.Domain.Connections;
using McpPlatform.Domain.Telemetry;

namespace McpPlatform.Infrastructure.Mcp.Sessions;

/// <summary>Adds a table's sessions, by state and kind (shared or per user), to the <c>mcp.connections</c> gauge for as
/// long as it is not disposed.</summary>
internal sealed class ConnectionGauge : IDisposable
{
    public ConnectionGauge(SessionTable table) =>
        PlatformTelemetry.ObserveConnections(this, () => table.Entries
            .GroupBy(e => (State: ConnectionStates.ToWire(e.Value.State), Kind: e.Key.IsShared ? "shared" : "user"))
            .Select(g => new Measurement<int>(g.Count(), PlatformTelemetry.Tag("state", g.Key.State), PlatformTelemetry.Tag("kind", g.Key.Kind))));

    public void Dispose() => PlatformTelemetry.StopObserving(this);
}
