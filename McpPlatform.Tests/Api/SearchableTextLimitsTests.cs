using System.Net;
using System.Net.Http.Json;
using System.Text;
using McpPlatform.Domain.Identity;
using McpPlatform.Infrastructure.Persistence.Entities;
using McpPlatform.Tests.Fixtures;

namespace McpPlatform.Tests.Api;

/// <summary>
/// Any text the API accepts can be stored, shared (with a user, a group, everyone) and found by search, at every
/// documented limit and in scripts of 1 to 4 UTF-8 bytes per character: description 1000 characters (Unicode code
/// points), title 100 (ASCII letters, digits and spaces: the title rule), name the title's slug. Issue 22: a server
/// with a 1000-character CJK description could not be created (500, "index row size 3104 exceeds btree version 4
/// maximum 2704"), nor a public one shared with everyone. The texts are drawn at random from each script, as real text
/// is: a run of one repeated character would be compressed into the index entry and hide the bug.
/// </summary>
public sealed class SearchableTextLimitsTests : ApiTest
{
    private const int Seed = 22;
    private const int MaxDescription = 1000;
    private const int MaxTitle = 100;

    private static readonly Caller Dave = new("dave", SystemRoles.User, ["team-d"], "Dave", "dave@example.com");

    /// <summary>A script: the range its random text is drawn from, and a term (outside that range, so found only where
    /// it was put) that ends each description.</summary>
    public sealed record Script(string Name, int BytesPerCharacter, int First, int Count, string Term)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<Script> Scripts() =>
    [
        new("Latin", 1, 'a', 26, "k9z7"),
        new("Cyrillic", 2, 'а', 32, "ёжё"),
        new("CJK", 3, 0x4E00, 20000, "龍龜"),
        new("CJK Ext B", 4, 0x20000, 40000, "\U0002A700\U0002A701"),
    ];

    [TestCaseSource(nameof(Scripts))]
    public async Task ServersAtEveryLimit_AreCreatedSharedWithAUserAGroupAndEveryone_AndFoundByTheEndOfTheirText(Script script)
    {
        await SeeAsync(Bob, Carol, Dave);
        await AllowSharingWithEveryoneAsync();
        var title = TitleOf(script);
        var description = RandomText(script, MaxDescription - script.Term.EnumerateRunes().Count(), script.Name.Length) + script.Term;
        Assert.That(Encoding.UTF8.GetByteCount(description), Is.GreaterThanOrEqualTo((MaxDescription - 4) * script.BytesPerCharacter));

        var first = await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title, description });
        var second = await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title, description });
        await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = "Control", description = "short" });
        var slug = title.ToLowerInvariant();
        string[] names = [slug, slug + "-2"];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(new[] { first["serverName"]!.GetValue<string>(), second["serverName"]!.GetValue<string>() }, Is.EqualTo(names));
            Assert.That(first["description"]!.GetValue<string>(), Is.EqualTo(description));
            Assert.That(first["title"]!.GetValue<string>(), Is.EqualTo(title));
        }

        foreach (var server in new[] { first, second })
        {
            await ShareAsync(Alice, server["dbId"]!.GetValue<string>(), new
            {
                updated = new[] { new { type = "user", id = "bob", accessRoleId = "mcpServer_viewer" }, new { type = "group", id = "team-a", accessRoleId = "mcpServer_viewer" } },
            });
        }

        var titleEnd = title[^6..];
        foreach (var caller in new[] { Alice, Bob, Carol })
        {
            Assert.That(await SearchAsync(caller, script.Term), Is.EqualTo(names), $"{caller.UserId} by the end of the description");
            Assert.That(await SearchAsync(caller, titleEnd), Is.EqualTo(names), $"{caller.UserId} by the end of the title");
        }

        Assert.That(await SearchAsync(Dave, script.Term), Is.Empty, "not shared with dave yet");

        foreach (var server in new[] { first, second })
        {
            await ShareAsync(Alice, server["dbId"]!.GetValue<string>(), new { @public = true, publicAccessRoleId = "mcpServer_viewer" });
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await SearchAsync(Dave, script.Term), Is.EqualTo(names), "everyone, by the end of the description");
            Assert.That(await SearchAsync(Dave, titleEnd), Is.EqualTo(names), "everyone, by the end of the title");
            Assert.That(await SearchAsync(Dave, script.Term, limit: 1), Is.EqualTo(names), "one per page");
        }

        using var read = await As(Dave).GetAsync($"/api/mcp/servers/{slug}-2");
        Assert.That((await ReadJsonAsync(read))["description"]!.GetValue<string>(), Is.EqualTo(description));
    }

    [TestCaseSource(nameof(Scripts))]
    public async Task ASharedPublicServer_EditedToTheLongestText_IsStillFound(Script script)
    {
        await SeeAsync(Bob, Dave);
        await AllowSharingWithEveryoneAsync();
        var server = await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = "Edited" });
        var dbId = server["dbId"]!.GetValue<string>();
        await ShareAsync(Alice, dbId, new { updated = new[] { new { type = "user", id = "bob", accessRoleId = "mcpServer_viewer" } }, @public = true, publicAccessRoleId = "mcpServer_viewer" });
        var description = RandomText(script, MaxDescription - script.Term.EnumerateRunes().Count(), 7) + script.Term;

        using var edit = await As(Alice).PatchAsJsonAsync("/api/mcp/servers/edited", new { config = new { type = "sse", url = "https://a.example.com/sse", title = "Edited", description } });

        Assert.That(edit.StatusCode, Is.EqualTo(HttpStatusCode.OK), await edit.Content.ReadAsStringAsync());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await SearchAsync(Bob, script.Term), Is.EqualTo(new[] { "edited" }));
            Assert.That(await SearchAsync(Dave, script.Term), Is.EqualTo(new[] { "edited" }));
        }
    }

    /// <summary>
    /// The widest ACL index entry the API can make — a user and a group whose ids are 256 three-byte characters (the
    /// claim limit) — with a search text of exactly the bound up to which the index carries a copy, and one byte more.
    /// </summary>
    [Test]
    public async Task TheWidestPrincipals_GetServersWhoseSearchTextIsAtAndPastTheIndexedBound()
    {
        var cjk = Scripts().Single(s => s.BytesPerCharacter == 3);
        var wide = new Caller(RandomText(cjk, 256, 1), SystemRoles.User, [RandomText(cjk, 256, 2)], "Wide", null);
        await SeeAsync(wide);
        const string Title = "Boundary";

        // search text = name + ' ' + title + ' ' + description: "boundary boundary " (18 bytes) or "boundary-2 boundary "
        // (20 bytes), then the description.
        const int Bound = ServerRow.IndexedSearchTextMaxBytes;
        var atBound = Description(Bound - 18, 3);
        var pastBound = Description(Bound - 20 + 1, 4);
        var servers = new List<string>();
        foreach (var description in new[] { atBound, pastBound })
        {
            var server = await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = Title, description });
            await ShareAsync(Alice, server["dbId"]!.GetValue<string>(), new
            {
                updated = new[] { new { type = "user", id = wide.UserId, accessRoleId = "mcpServer_viewer" }, new { type = "group", id = wide.Groups[0], accessRoleId = "mcpServer_viewer" } },
            });
            servers.Add(server["serverName"]!.GetValue<string>());
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await TestDatabase.ScalarAsync<int>("SELECT octet_length(search_text) FROM mcp_servers WHERE server_name = 'boundary'"), Is.EqualTo(Bound));
            Assert.That(await TestDatabase.ScalarAsync<int>("SELECT octet_length(search_text) FROM mcp_servers WHERE server_name = 'boundary-2'"), Is.EqualTo(Bound + 1));
            Assert.That(await SearchAsync(wide, cjk.Term), Is.EqualTo(servers));
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM acl_entries WHERE resource_name = 'boundary' AND search_text IS NOT NULL"), Is.EqualTo(3), "carried in the index up to the bound");
            Assert.That(await TestDatabase.ScalarAsync<long>("SELECT count(*) FROM acl_entries WHERE resource_name = 'boundary-2' AND search_text IS NULL"), Is.EqualTo(3), "read from the server past it");
        }

        string Description(int bytes, int seed)
        {
            var letters = (bytes - Encoding.UTF8.GetByteCount(cjk.Term)) % 3;
            return new string('q', letters) + RandomText(cjk, (bytes - letters - Encoding.UTF8.GetByteCount(cjk.Term)) / 3, seed) + cjk.Term;
        }
    }

    /// <summary>The public part of search walks public servers in name order while it finds enough matches: a server
    /// whose text the index does not carry must still come first when its name does.</summary>
    [Test]
    public async Task APublicServerWithALongText_ComesFirst_AmongPublicMatchesWithShortTexts()
    {
        var cjk = Scripts().Single(s => s.BytesPerCharacter == 3);
        await SeeAsync(Dave);
        var names = new List<string>();
        foreach (var (title, description) in new[]
                 {
                     ("Alpha", RandomText(cjk, MaxDescription - 2, 5) + cjk.Term), ("Beta One", "short " + cjk.Term),
                     ("Beta Two", cjk.Term + " short"), ("Beta Three", "a " + cjk.Term), ("Gamma", RandomText(cjk, MaxDescription - 2, 6) + cjk.Term),
                 })
        {
            var server = await CreateServerAsync(Admin, new { type = "sse", url = "https://a.example.com/sse", title, description });
            await ShareAsync(Admin, server["dbId"]!.GetValue<string>(), new { @public = true, publicAccessRoleId = "mcpServer_viewer" });
            names.Add(server["serverName"]!.GetValue<string>());
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await SearchAsync(Dave, cjk.Term, limit: 1), Is.EqualTo(names.Order(StringComparer.Ordinal)));
            Assert.That(await SearchAsync(Dave, cjk.Term, limit: 2), Is.EqualTo(names.Order(StringComparer.Ordinal)));
        }
    }

    [TestCaseSource(nameof(Scripts))]
    public async Task ADescriptionOfOneCharacterMore_Is400_CountingCharactersNotUtf16Units(Script script)
    {
        var description = RandomText(script, MaxDescription + 1, 9);

        using var response = await As(Alice).PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "sse", url = "https://a.example.com/sse", title = "Long", description } });

        var body = await AssertProblemAsync(response, HttpStatusCode.BadRequest, message: "Invalid configuration");
        Assert.That(body["errors"]![0]!["message"]!.GetValue<string>(), Is.EqualTo("Description must be at most 1000 characters"));
    }

    [Test]
    public async Task VariableTitlesAndDescriptions_CountCharacters_Too()
    {
        var ext = Scripts().Single(s => s.BytesPerCharacter == 4);
        var variables = new Dictionary<string, object> { ["KEY"] = new { title = RandomText(ext, 100, 10), description = RandomText(ext, MaxDescription, 11) } };
        await CreateServerAsync(Alice, new { type = "sse", url = "https://a.example.com/sse", title = "Vars", customUserVars = variables });

        variables["KEY"] = new { title = "Key", description = RandomText(ext, MaxDescription + 1, 12) };
        using var response = await As(Alice).PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "sse", url = "https://a.example.com/sse", title = "Vars", customUserVars = variables } });
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, message: "Invalid configuration");
    }

    [TestCase("Жabc", 1, TestName = "A title with a letter outside ASCII is 400 (the title rule: ASCII letters, digits, spaces)")]
    [TestCase("a", MaxTitle + 1, TestName = "A title of 101 characters is 400")]
    public async Task TitlesOutsideTheRule_Are400(string text, int times)
    {
        var title = string.Concat(Enumerable.Repeat(text, times));

        using var response = await As(Alice).PostAsJsonAsync("/api/mcp/servers", new { config = new { type = "sse", url = "https://a.example.com/sse", title } });

        var body = await AssertProblemAsync(response, HttpStatusCode.BadRequest, message: "Invalid configuration");
        Assert.That(body["errors"]![0]!["path"]!.GetValue<string>(), Is.EqualTo("title"));
    }

    /// <summary>100 characters, letters and digits only (its slug, the server's name, is the same 100 lower-cased),
    /// ending in a term found nowhere else.</summary>
    private static string TitleOf(Script script)
    {
        var head = script.Name.Replace(" ", string.Empty, StringComparison.Ordinal) + "Limit";
        return head + new string('x', MaxTitle - head.Length - 6) + "Tail42";
    }

    /// <summary><paramref name="characters"/> characters drawn at random (with <paramref name="seed"/>) from the script's range.</summary>
    private static string RandomText(Script script, int characters, int seed)
    {
        var random = new Random(Seed * 1000 + seed);
        var text = new StringBuilder(characters * 2);
        for (var i = 0; i < characters; i++)
        {
            text.Append(char.ConvertFromUtf32(script.First + random.Next(script.Count)));
        }

        return text.ToString();
    }

    private async Task AllowSharingWithEveryoneAsync()
    {
        using var grant = await As(Admin).PutAsJsonAsync("/api/roles/user/mcp-servers", new { SHARE_PUBLIC = true });
        Assert.That(grant.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    /// <summary>Every server the caller finds by the term, page by page.</summary>
    private async Task<List<string>> SearchAsync(Caller caller, string term, int limit = 20)
    {
        var found = new List<string>();
        string? cursor = null;
        for (var pages = 0; pages < 20; pages++)
        {
            var query = $"/api/mcp/servers?search={Uri.EscapeDataString(term)}&limit={limit}" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}");
            using var response = await As(caller).GetAsync(query);
            var text = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
            var page = System.Text.Json.Nodes.JsonNode.Parse(text)!;
            found.AddRange(page["servers"]!.AsArray().Select(s => s!["serverName"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            if (cursor is null)
            {
                return found;
            }
        }

        throw new AssertionException("search did not end within 20 pages");
    }
}
