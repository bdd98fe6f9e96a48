using McpPlatform.Domain.Servers;
using McpPlatform.Infrastructure.Concurrency;
using McpPlatform.Infrastructure.Persistence.Entities;
using McpPlatform.Infrastructure.Persistence.Sql;
using Npgsql;

namespace McpPlatform.Infrastructure.Persistence.Queries;

/// <summary>
/// The change revisions, read from PostgreSQL where every change moves them in its own transaction (ADR 0041). Every
/// registry read asks for them, so the reads are coalesced: one statement in flight per instance and one queued behind
/// it, which answers everyone who asked while the first ran — each caller still gets a read that started after it
/// asked, so it sees every change answered before.
/// </summary>
public sealed class ChangeRevisionReader : IChangeRevisions
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly CoalescingRunner<ChangeRevisions> _reads;

    public ChangeRevisionReader(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        _reads = new CoalescingRunner<ChangeRevisions>(ReadNowAsync);
    }

    /// <summary>Shared by every caller waiting for it, so it runs to the end; a caller that gives up stops waiting.</summary>
    public Task<ChangeRevisions> ReadAsync(CancellationToken ct) => _reads.RequestAsync().WaitAsync(ct);

    private async Task<ChangeRevisions> ReadNowAsync()
    {
        await using var command = _dataSource.CreateCommand(SqlStatements.ReadRevisions);
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
        var (registry, roles) = (0L, 0L);
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
            }
        }

        return new ChangeRevisions(registry, roles);
    }
}
