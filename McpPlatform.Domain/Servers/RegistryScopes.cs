using McpPlatform.Domain.Identity;

namespace McpPlatform.Domain.Servers;

/// <summary>
/// What a registry change can affect, named the same way by the writers that record it and by the caches that check
/// it: one server's own copy, and the lists of one principal (everyone's lists for <c>public:*</c>).
/// </summary>
public static class RegistryScopes
{
    public static string Server(string name) => "server:" + name;

    /// <summary>The same server by id, for what is kept by id (its client registrations).</summary>
    public static string ServerId(Guid id) => "server-id:" + id.ToString("N");

    public static string Principal(PrincipalKey principal) => "principal:" + principal;

    public static string Principal(string principalType, string principalId) => $"principal:{principalType}:{principalId}";
}
