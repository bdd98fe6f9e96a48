namespace McpPlatform.Infrastructure.Persistence.Repositories;

/// <summary>How many credentials of a server were deleted, for the audit record of the change that deleted them.</summary>
internal sealed record DeletedCredentials(int Tokens, int Registrations, int Variables, int Users)
{
    public int Total => Tokens + Registrations + Variables;

    public void AddTo(IDictionary<string, string?> details)
    {
        details["tokensDeleted"] = Tokens.ToString(System.Globalization.CultureInfo.InvariantCulture);
        details["registrationsDeleted"] = Registrations.ToString(System.Globalization.CultureInfo.InvariantCulture);
        details["variablesDeleted"] = Variables.ToString(System.Globalization.CultureInfo.InvariantCulture);
        details["usersAffected"] = Users.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
