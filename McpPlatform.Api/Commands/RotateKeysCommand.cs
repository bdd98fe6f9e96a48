using McpPlatform.Infrastructure.Security;

namespace McpPlatform.Api.Commands;

/// <summary><c>rotate-keys</c>: re-encrypts every stored secret under the active key; can be run again after an interruption.</summary>
public static class RotateKeysCommand
{
    public static Task<int> RunAsync() => CommandHost.RunAsync(async services =>
    {
        var report = await services.GetRequiredService<KeyRotationService>().RotateAsync(Console.WriteLine, CancellationToken.None);
        Console.WriteLine($"Re-encrypted {report.ReEncrypted} values under the active key; {report.AlreadyCurrent} were already current. Old keys can now be removed.");
        return 0;
    });
}
