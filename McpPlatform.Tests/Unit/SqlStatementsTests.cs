using System.Reflection;
using McpPlatform.Infrastructure.Persistence.Entities;
using McpPlatform.Infrastructure.Persistence.Sql;

namespace McpPlatform.Tests.Unit;

/// <summary>The hand-written statements: embedded, each one loaded, and the search statement selecting public servers
/// exactly as the partial indexes do (else PostgreSQL could not use them).</summary>
public sealed class SqlStatementsTests
{
    private static IEnumerable<(string Name, string Text)> Loaded() =>
        typeof(SqlStatements).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (f.Name, (string)f.GetValue(null)!));

    [Test]
    public void EveryEmbeddedStatementIsLoaded_AndNoneIsEmpty()
    {
        var assembly = typeof(SqlStatements).Assembly;
        var embedded = assembly.GetManifestResourceNames().Where(n => n.StartsWith("McpPlatform.Sql.", StringComparison.Ordinal)).ToList();
        var texts = embedded.Select(n =>
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
            return reader.ReadToEnd().TrimEnd();
        }).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(embedded, Has.Count.EqualTo(Loaded().Count()), "one field per file");
            Assert.That(Loaded().Select(s => s.Text), Is.EquivalentTo(texts));
            Assert.That(Loaded().Where(s => string.IsNullOrWhiteSpace(s.Text) || s.Text.EndsWith(';')).Select(s => s.Name), Is.Empty);
        }
    }

    [Test]
    public void SearchSelectsPublicServersAsThePartialIndexesDo()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Occurrences(ServerRow.IsPublicSql), Is.EqualTo(3), "the public name walk, the long texts and the public trigram part");
            Assert.That(Occurrences($"{ServerRow.IsPublicSql} AND {ServerRow.SearchTextFitsIndexSql}"), Is.EqualTo(1), "the public name walk");
            Assert.That(Occurrences($"{ServerRow.IsPublicSql} AND {ServerRow.SearchTextPastIndexSql}"), Is.EqualTo(1), "the long texts");
            Assert.That(new[] { ServerRow.SearchTextFitsIndexSql, ServerRow.SearchTextPastIndexSql }, Is.EqualTo(new[]
            {
                $"octet_length(search_text) <= {ServerRow.IndexedSearchTextMaxBytes}", $"octet_length(search_text) > {ServerRow.IndexedSearchTextMaxBytes}",
            }));
        }

        static int Occurrences(string text) => SqlStatements.SearchVisibleServers.Split(text).Length - 1;
    }
}
