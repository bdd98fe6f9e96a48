namespace McpPlatform.Domain.Identity;

/// <summary>Who an ACL entry is for. The wire names are LibreChat's: <c>user</c>, <c>group</c>, <c>role</c>, <c>public</c>.</summary>
public enum PrincipalType
{
    User,
    Group,
    Role,
    Public,
}
