using System.Net;
using System.Text;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Api;

/// <summary>Found by <see cref="OpenApiFuzzTests"/>: a <c>null</c> entry in a share update answered 500.</summary>
public sealed class SharingRequestShapeTests : ApiTest
{
    [TestCase("""{"updated":[null]}""", "updated[0]")]
    [TestCase("""{"updated":[{"type":"user","id":"bob","accessRoleId":"mcpServer_viewer"},null]}""", "updated[1]")]
    [TestCase("""{"removed":[null]}""", "removed[0]")]
    public async Task NullEntry_Is400NamingIt(string json, string path)
    {
        await SeeAsync(Alice, Bob);
        var server = await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = "Nulls" });

        using var response = await As(Alice).PutAsync($"/api/permissions/mcpServer/{server["dbId"]}", new StringContent(json, Encoding.UTF8, "application/json"));

        var body = await AssertProblemAsync(response, HttpStatusCode.BadRequest, message: "Failed to update permissions");
        Assert.That(body["errors"]!.AsArray().Select(e => e!["path"]!.GetValue<string>()), Is.EqualTo(new[] { path }));
        Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM acl_entries WHERE principal_id = 'bob'"), Is.Zero);
    }
}
