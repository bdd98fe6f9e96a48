using System.Text;

namespace McpPlatform.Tests.Fixtures;

/// <summary>
/// Files that outlive a test run, under <c>MCP_TEST_ARTIFACTS</c> (./scripts/test.sh sets it) or
/// <c>artifacts/test-run</c>: browser screenshots, and what the run-wide secret scan reads — every log line the API
/// wrote, every response body it sent, a dump of the database before each reset, and the secrets the tests sent.
/// </summary>
public static class RunArtifacts
{
    public const string Logs = "logs.txt";
    public const string Responses = "responses.txt";
    public const string Database = "database.txt";
    public const string SentSecrets = "sent-secrets.txt";

    private static readonly Lock Sync = new();
    private static readonly Dictionary<string, StreamWriter> Writers = [];

    static RunArtifacts() => AppDomain.CurrentDomain.ProcessExit += (_, _) => Flush();

    public static string Directory { get; } = Path.GetFullPath(
        Environment.GetEnvironmentVariable("MCP_TEST_ARTIFACTS") ?? Path.Combine(NodePeer.TestProjectDir, "..", "artifacts", "test-run"));

    /// <summary>A path for a file of its own (a screenshot), its folder created.</summary>
    public static string PathFor(params string[] parts)
    {
        var path = Path.Combine([Directory, .. parts]);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>Appends a record to one of the run-wide files; safe from any thread.</summary>
    public static void Append(string file, string text)
    {
        lock (Sync)
        {
            if (!Writers.TryGetValue(file, out var writer))
            {
                writer = new StreamWriter(PathFor(file), append: true, new UTF8Encoding(false));
                Writers[file] = writer;
            }

            writer.WriteLine(text);
        }
    }

    public static void Flush()
    {
        lock (Sync)
        {
            foreach (var writer in Writers.Values)
            {
                writer.Flush();
            }
        }
    }
}
