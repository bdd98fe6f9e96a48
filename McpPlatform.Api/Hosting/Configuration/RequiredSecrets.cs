using McpPlatform.Api.Auth;

namespace McpPlatform.Api.Hosting.Configuration;

/// <summary>Outside Development, start-up fails naming each missing secret rather than running half-configured (in
/// Development, <see cref="DevelopmentSecrets"/> generates them). Checked before anything is built, so that one message
/// names all of them.</summary>
public static class RequiredSecrets
{
    public static void Check(IConfiguration configuration)
    {
        var missing = new List<string>();
        if (string.IsNullOrEmpty(configuration["Auth:Authority"]))
        {
            var key = configuration["Auth:Jwt:SigningKey"];
            if (string.IsNullOrEmpty(key))
            {
                missing.Add("Auth:Jwt:SigningKey (or Auth:Authority)");
            }
            else if (System.Text.Encoding.UTF8.GetByteCount(key) < AuthOptionsValidator.MinSigningKeyBytes)
            {
                throw new InvalidOperationException($"Auth:Jwt:SigningKey must be at least {AuthOptionsValidator.MinSigningKeyBytes} bytes.");
            }
        }

        if (string.IsNullOrEmpty(configuration["Encryption:ActiveKeyId"]))
        {
            missing.Add("Encryption:ActiveKeyId");
        }

        if (!configuration.GetSection("Encryption:Keys").GetChildren().Any())
        {
            missing.Add("Encryption:Keys:<id>");
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException("Missing required configuration: " + string.Join(", ", missing) + ". See docs/configuration.md.");
        }
    }
}
