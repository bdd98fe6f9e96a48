using System.Collections.Concurrent;

namespace McpPlatform.Domain.Servers;

/// <summary>
/// This instance's knowledge of which registry scopes changed at which revision, built from the change log that every
/// registry change writes in its own transaction (ADR 0042). A value kept at revision <c>k</c> for some scopes is still
/// current at a later revision when none of its scopes changed after <c>k</c>: a write invalidates only what it can
/// affect. Where the log has a gap (a change that logged nothing, a log pruned past this instance's position, too many
/// scopes to track) everything kept before the gap counts as changed.
/// </summary>
public sealed class RegistryChangeLog
{
    /// <summary>Past this many tracked scopes the log forgets them all and raises the floor instead.</summary>
    public const int MaxTrackedScopes = 200_000;

    private readonly ConcurrentDictionary<string, long> _changedAt = new(StringComparer.Ordinal);
    private long _floor = long.MaxValue;
    private long _position;

    /// <summary>The registry revision up to which changes have been applied; 0 before the first read.</summary>
    public long Position => Volatile.Read(ref _position);

    /// <summary>Whether a value read at <paramref name="keptAt"/> covering <paramref name="scopes"/> is still
    /// current: no change applied so far touched any of them after it was read.</summary>
    public bool UnchangedSince(long keptAt, IReadOnlyList<string> scopes)
    {
        if (keptAt < Volatile.Read(ref _floor))
        {
            return false;
        }

        foreach (var scope in scopes)
        {
            if (_changedAt.TryGetValue(scope, out var changed) && changed > keptAt)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Applies the changes logged after <see cref="Position"/> up to <paramref name="current"/>, in revision order.
    /// Called by one reader at a time; readers of <see cref="UnchangedSince"/> may run meanwhile, so a gap raises the
    /// floor before it forgets the scopes.
    /// </summary>
    public void Advance(long current, IReadOnlyList<RegistryChange> changes)
    {
        var position = Position;
        if (current == position)
        {
            return;
        }

        if (!IsChain(position, current, changes) || _changedAt.Count + changes.Sum(c => c.Scopes.Count) > MaxTrackedScopes)
        {
            Volatile.Write(ref _floor, current);
            _changedAt.Clear();
        }
        else
        {
            foreach (var change in changes)
            {
                foreach (var scope in change.Scopes)
                {
                    _changedAt[scope] = change.Revision;
                }
            }
        }

        Volatile.Write(ref _position, current);
    }

    /// <summary>The changes lead from <paramref name="from"/> to <paramref name="to"/> with nothing missing.</summary>
    private static bool IsChain(long from, long to, IReadOnlyList<RegistryChange> changes)
    {
        if (from == 0)
        {
            return false;
        }

        var at = from;
        foreach (var change in changes)
        {
            if (change.Previous != at)
            {
                return false;
            }

            at = change.Revision;
        }

        return at == to;
    }
}
