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
        var occurrences = SqlStatements.SearchVisibleServers.Split(ServerRow.IsPublicSql).Length - 1;
        Assert.That(occurrences, Is.EqualTo(2), "the public name walk and the public trigram part");
    }
}
