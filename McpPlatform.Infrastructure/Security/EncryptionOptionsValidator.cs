namespace McpPlatform.Infrastructure.Security;

/// <summary>Checks the key ring at start-up, naming the key that is wrong.</summary>
public sealed class EncryptionOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<EncryptionOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, EncryptionOptions options)
    {
        var failures = new List<string>();
        if (options.Keys.Count == 0)
        {
            failures.Add("Encryption:Keys:<id> is required: at least one key (base64 of 32 random bytes).");
        }

        foreach (var (id, value) in options.Keys)
        {
            try
            {
                AesGcmSecretProtector.ParseKey(id, value);
            }
            catch (InvalidOperationException e)
            {
                failures.Add(e.Message);
            }
        }

        if (string.IsNullOrEmpty(options.ActiveKeyId))
        {
            failures.Add("Encryption:ActiveKeyId is required.");
        }
        else if (!options.Keys.ContainsKey(options.ActiveKeyId))
        {
            failures.Add($"Encryption:ActiveKeyId '{options.ActiveKeyId}' must name one of Encryption:Keys:<id>.");
        }

        return failures.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }
}
