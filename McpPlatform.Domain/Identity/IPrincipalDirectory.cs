namespace McpPlatform.Domain.Identity;

/// <summary>Users and groups recorded on first sight, so they can be found and shared with.</summary>
public interface IPrincipalDirectory
{
    Task RecordAsync(Caller caller, CancellationToken ct);

    Task<IReadOnlyList<PrincipalInfo>> SearchAsync(string query, IReadOnlySet<PrincipalType> types, int limit, CancellationToken ct);

    /// <summary>Describes the given principals; unknown users and groups are absent from the result.</summary>
    Task<IReadOnlyDictionary<PrincipalKey, PrincipalInfo>> DescribeAsync(IReadOnlyCollection<PrincipalKey> keys, CancellationToken ct);
}
