using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Concurrency;
using McpPlatform.Infrastructure.Persistence.Entities;
using McpPlatform.Infrastructure.Persistence.Sql;
using Npgsql;

namespace McpPlatform.Infrastructure.Persistence.Queries;

/// <summary>
/// The change revisions, read from PostgreSQL where every change moves them in its own transaction (ADR 0041), with
/// the registry changes logged since this instance last read them (ADR 0042). Every registry read asks for them, so the
/// reads are coalesced: one statement in flight per instance and one queued behind it, which answers everyone who
/// asked while the first ran — each caller still gets a read that started after it asked, so it sees every change
/// answered before.
/// </summary>
public sealed class ChangeRevisionReader : IChangeRevisions
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly CoalescingRunner<ChangeRevisions> _reads;
    private readonly RegistryChangeLog _log = new();

    public ChangeRevisionReader(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        _reads = new CoalescingRunner<ChangeRevisions>(ReadNowAsync);
    }

    /// <summary>Shared by every caller waiting for it, so it runs to the end; a caller that gives up stops waiting.</summary>
    public Task<ChangeRevisions> ReadAsync(CancellationToken ct) => _reads.RequestAsync().WaitAsync(ct);

    /// <summary>Runs one at a time (the runner's), so the log advances in order.</summary>
    private async Task<ChangeRevisions> ReadNowAsync()
    {
        await using var command = _dataSource.CreateCommand(SqlStatements.ReadRevisions);
        // Before the first read there is nothing kept to keep current: no log is read, and the log starts afresh.
        command.Parameters.Add(new NpgsqlParameter { Value = _log.Position == 0 ? long.MaxValue : _log.Position });
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
        var (registry, roles) = (0L, 0L);
        var changes = new List<RegistryChange>();
        while (await reader.ReadAsync(CancellationToken.None))
        {
            switch (reader.GetString(0))
            {
                case RevisionRow.Registry:
                    registry = reader.GetInt64(1);
                    break;
                case RevisionRow.Roles:
                    roles = reader.GetInt64(1);
                    break;
                case "change":
                    changes.Add(new RegistryChange(reader.GetInt64(2), reader.GetInt64(1), reader.GetFieldValue<string[]>(3)));
                    break;
            }
        }

        changes.Sort((a, b) => a.Revision.CompareTo(b.Revision));
        _log.Advance(registry, changes);
        return new ChangeRevisions(registry, roles, _log);
    }
}
