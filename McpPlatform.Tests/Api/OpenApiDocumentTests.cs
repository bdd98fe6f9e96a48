using System.Text.Json.Nodes;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Api;

/// <summary>What Swagger UI shows a person: every operation says what it does, in words meant for the API's user.</summary>
public sealed class OpenApiDocumentTests : ApiTest
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    [Test]
    public async Task EveryOperation_HasASummary_AndNoMarkerMeantForDevelopers()
    {
        using var response = await As(null).GetAsync("/swagger/v1/swagger.json");
        var text = await response.Content.ReadAsStringAsync();
        var document = JsonNode.Parse(text)!;
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => Methods.Where(m => path.Value![m] is not null).Select(m => (Name: $"{m.ToUpperInvariant()} {path.Key}", Operation: path.Value![m]!)))
            .ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(operations, Has.Count.GreaterThan(20));
            Assert.That(operations.Where(o => string.IsNullOrWhiteSpace(o.Operation["summary"]?.GetValue<string>())).Select(o => o.Name), Is.Empty, "operations without a summary");
            Assert.That(text, Does.Not.Contain("★"), "markers explained nowhere do not reach Swagger UI");
            Assert.That(document["tags"]?.AsArray().Where(t => string.IsNullOrWhiteSpace(t!["description"]?.GetValue<string>())).Select(t => t!["name"]!.GetValue<string>()), Is.Empty, "every group of operations is described");
        }
    }
}
