using McpPlatform.Domain.Servers;

namespace McpPlatform.Domain.Tests;

/// <summary>Slugs, next-free names and random names (reference §7.4, PRODUCT §4 "Names").</summary>
public sealed class ServerNamingTests
{
    private static bool NothingReserved(string name) => false;

    [TestCase("My Test Server", "my-test-server")]
    [TestCase("My @#$% Server!!! 123", "my-server-123")]
    [TestCase("   @#$%   ", "mcp-server")]
    [TestCase("My    Multiple   Spaces   Server", "my-multiple-spaces-server")]
    [TestCase("Serveur Français 日本語", "serveur-franais")]
    [TestCase("My Server", "my-server")]
    [TestCase("   ", "mcp-server")]
    [TestCase("a--b", "a-b")]
    [TestCase("-leading and trailing-", "leading-and-trailing")]
    [TestCase("Foo 3", "foo-3")]
    public void Slugify_FollowsTheReferenceExamples(string title, string expected)
    {
        Assert.That(ServerNaming.Slugify(title), Is.EqualTo(expected));
    }

    [Test]
    public void Slugify_HasNoLengthLimit()
    {
        var title = new string('A', 200) + " Server";

        Assert.That(ServerNaming.Slugify(title), Is.EqualTo(new string('a', 200) + "-server"));
    }

    [Test]
    public void Slugify_EmptyTitle_FallsBackToMcpServer()
    {
        Assert.That(ServerNaming.Slugify(string.Empty), Is.EqualTo(ServerNaming.FallbackSlug));
    }

    [Test]
    public void NextFree_FreeBase_ReturnsTheBase()
    {
        Assert.That(ServerNaming.NextFree("my-server", [], NothingReserved), Is.EqualTo("my-server"));
    }

    [Test]
    public void NextFree_BaseTaken_ReturnsBaseDash2()
    {
        Assert.That(ServerNaming.NextFree("my-server", ["my-server"], NothingReserved), Is.EqualTo("my-server-2"));
    }

    [Test]
    public void NextFree_SkipsGapsAndTakesMaxPlusOne()
    {
        Assert.That(ServerNaming.NextFree("x", ["x", "x-2", "x-5"], NothingReserved), Is.EqualTo("x-6"));
    }

    [Test]
    public void NextFree_IgnoresNamesWithANonNumericSuffix()
    {
        Assert.That(ServerNaming.NextFree("x", ["x", "x-extra", "x-2b", "xy-9"], NothingReserved), Is.EqualTo("x-2"));
    }

    [Test]
    public void NextFree_OnlyNonNumericSuffixesTaken_ReturnsTheBase()
    {
        Assert.That(ServerNaming.NextFree("x", ["x-extra", "x-", "x-server"], NothingReserved), Is.EqualTo("x"));
    }

    [Test]
    public void NextFree_NumberedNameTakenWithoutTheBase_StillCountsUpFromTheMax()
    {
        // The reference counts every match of ^base(-\d+)?$; the base was deleted but x-3 still exists.
        Assert.That(ServerNaming.NextFree("x", ["x-3"], NothingReserved), Is.EqualTo("x-4"));
    }

    [Test]
    public void NextFree_TakenInAnyOrder_FindsTheMax()
    {
        Assert.That(ServerNaming.NextFree("x", ["x-10", "x", "x-9", "x-2"], NothingReserved), Is.EqualTo("x-11"));
    }

    [Test]
    public void NextFree_BaseEndingInDigits_GetsItsOwnSuffix()
    {
        Assert.That(ServerNaming.NextFree("foo-3", ["foo-3"], NothingReserved), Is.EqualTo("foo-3-2"));
    }

    [Test]
    public void NextFree_ZeroPaddedSuffix_CountsByValue()
    {
        Assert.That(ServerNaming.NextFree("x", ["x", "x-07"], NothingReserved), Is.EqualTo("x-8"));
    }

    [Test]
    public void NextFree_SuffixBeyondInt_StillCountsAsTaken()
    {
        Assert.That(ServerNaming.NextFree("x", ["x", "x-99999999999"], NothingReserved), Is.EqualTo("x-100000000000"));
    }

    [Test]
    
    public void NextFree_SuffixAtIntMaxValue_DoesNotOverflow()
    {
        var first = ServerNaming.NextFree("x", ["x", "x-2147483647"], NothingReserved);
        var second = ServerNaming.NextFree("x", ["x", "x-2147483647", first], NothingReserved);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Does.Match("^x-[0-9]+$"));
            Assert.That(second, Is.Not.EqualTo(first));
        }
    }

    [Test]
    public void NextFree_ReservedRouteWordAsBase_ReturnsDash2()
    {
        Assert.That(ServerNaming.NextFree("tools", [], ServerNaming.RouteWords.Contains), Is.EqualTo("tools-2"));
    }

    [Test]
    public void NextFree_ReservedSuffixedName_IsSkipped()
    {
        var reserved = new HashSet<string>(StringComparer.Ordinal) { "x-2", "x-3" };

        Assert.That(ServerNaming.NextFree("x", ["x"], reserved.Contains), Is.EqualTo("x-4"));
    }

    [Test]
    public void NextFree_ReservedBaseAndReservedDash2_ReturnsDash3()
    {
        var reserved = new HashSet<string>(StringComparer.Ordinal) { "servers", "servers-2" };

        Assert.That(ServerNaming.NextFree("servers", [], reserved.Contains), Is.EqualTo("servers-3"));
    }

    [TestCase("servers")]
    [TestCase("tools")]
    [TestCase("oauth")]
    [TestCase("connection")]
    public void RouteWords_ContainTheLiteralRouteSegments(string word)
    {
        Assert.That(ServerNaming.RouteWords, Does.Contain(word));
    }

    [Test]
    public void RandomName_IsMcpDashAnd16UrlSafeCharacters()
    {
        Assert.That(ServerNaming.RandomName(), Does.Match("^mcp-[A-Za-z0-9_-]{16}$"));
    }

    [Test]
    public void RandomName_TwoCallsDiffer()
    {
        var first = ServerNaming.RandomName();
        var second = ServerNaming.RandomName();

        Assert.That(second, Is.Not.EqualTo(first));
    }

    [Test]
    public void RandomName_IsAlwaysAddressable()
    {
        var names = Enumerable.Range(0, 200).Select(_ => ServerNaming.RandomName()).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(names.All(ServerNaming.IsAddressable), Is.True);
            Assert.That(names.Distinct().Count(), Is.EqualTo(names.Count));
        }
    }

    [TestCase("my-server", true)]
    [TestCase("mcp-AbC_12-xyz", true)]
    [TestCase("a", true)]
    [TestCase("", false)]
    [TestCase("has space", false)]
    [TestCase("dot.name", false)]
    [TestCase("slash/name", false)]
    [TestCase("../etc", false)]
    [TestCase("percent%20", false)]
    [TestCase("ünicode", false)]
    public void IsAddressable_AcceptsOnlyUrlSafeSlugs(string name, bool expected)
    {
        Assert.That(ServerNaming.IsAddressable(name), Is.EqualTo(expected));
    }

    [Test]
    public void IsAddressable_AcceptsUpTo200Characters()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ServerNaming.IsAddressable(new string('a', 200)), Is.True);
            Assert.That(ServerNaming.IsAddressable(new string('a', 201)), Is.False);
        }
    }

    [Test]
    
    public void IsAddressable_RejectsATrailingNewline()
    {
        Assert.That(ServerNaming.IsAddressable("my-server\n"), Is.False);
    }
}
