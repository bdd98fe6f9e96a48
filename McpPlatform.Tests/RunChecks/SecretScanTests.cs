using System.Buffers;
using System.Text.RegularExpressions;
using McpPlatform.Tests.Fixtures;

// Outside McpPlatform.Tests on purpose: the run's set-up fixture (database, hosts) does not apply here.
namespace McpPlatform.RunChecks;

/// <summary>
/// Run by ./scripts/test.sh after the whole suite, over what the suite left in <see cref="RunArtifacts"/>: no secret a
/// test sent to the API (bearer tokens, client secrets, header values, credential variables, the platform's own keys)
/// and no JWT appears in plain text in any log line, any response body or the database as it was before each reset.
/// </summary>
[Category(Category)]
public sealed partial class SecretScanTests
{
    public const string Category = "RunScan";

    [Test]
    public void NoSecretOfTheWholeRun_IsInLogsResponsesOrTheDatabase()
    {
        var sentFile = Path.Combine(RunArtifacts.Directory, RunArtifacts.SentSecrets);
        if (!File.Exists(sentFile))
        {
            Assert.Ignore($"Nothing recorded in {RunArtifacts.Directory}: ./scripts/test.sh runs this after the suite.");
        }

        var secrets = File.ReadLines(sentFile)
            .Concat([ApiFactory.SigningKey, ApiFactory.EncryptionKey, "app-level-secret-value"])
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        var needles = SearchValues.Create(secrets, StringComparison.Ordinal);
        var findings = new List<string>();
        var scanned = new List<string>();
        foreach (var file in new[] { RunArtifacts.Logs, RunArtifacts.Responses, RunArtifacts.Database })
        {
            var path = Path.Combine(RunArtifacts.Directory, file);
            Assert.That(path, Does.Exist, "the run recorded it");
            long lines = 0;
            foreach (var line in File.ReadLines(path))
            {
                lines++;
                var at = line.AsSpan().IndexOfAny(needles);
                if (at >= 0)
                {
                    findings.Add($"{file}:{lines}: a sent secret at column {at}: {Masked(line, at)}");
                }
                else if (Jwt().Match(line) is { Success: true } jwt)
                {
                    findings.Add($"{file}:{lines}: a JWT at column {jwt.Index}: {Masked(line, jwt.Index)}");
                }
            }

            scanned.Add($"{file}: {lines} lines");
        }

        TestContext.Out.WriteLine($"{secrets.Length} distinct secrets; scanned {string.Join(", ", scanned)}");
        Assert.That(findings, Is.Empty, string.Join('\n', findings.Take(20)));
    }

    /// <summary>The context of a finding, with the secret itself cut short.</summary>
    private static string Masked(string line, int at) =>
        string.Concat(line.AsSpan(Math.Max(0, at - 80), Math.Min(80, at)), line.AsSpan(at, Math.Min(4, line.Length - at)), "…");

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.")]
    private static partial Regex Jwt();
}
