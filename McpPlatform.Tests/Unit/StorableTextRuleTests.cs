using System.Text;
using System.Text.RegularExpressions;
using McpPlatform.Api.Validation;

namespace McpPlatform.Tests.Unit;

public sealed class StorableTextRuleTests
{
    [TestCase(null)]
    [TestCase("")]
    [TestCase("plain")]
    [TestCase("😀 at the end 😀")]
    [TestCase("\u202E\u200B\uFEFF\uFFFF ß İ \t\r\n\u0001")]
    public void Problem_StorableText_IsNull(string? value) => Assert.That(StorableText.Problem(value), Is.Null);

    // Escaped here and unescaped in the test: a lone surrogate does not survive being compiled into an attribute.
    [TestCase(@"\u0000", "U+0000")]
    [TestCase(@"a\u0000b", "U+0000")]
    [TestCase(@"\uD800", "surrogate")]
    [TestCase(@"a\uDC00b", "surrogate")]
    [TestCase(@"\uD83D\uDE00\uD83D", "surrogate")]
    [TestCase(@"\uDE00\uD83D", "surrogate")]
    public void Problem_UnstorableText_SaysWhy(string escaped, string why) =>
        Assert.That(StorableText.Problem(Regex.Unescape(escaped)), Does.Contain(why));

    [TestCase("""{"a":{"b":[1,{"c":"\u0000"}]}}""", "a.b[1].c", "Values")]
    [TestCase("""{"a":["ok","x\ud800"]}""", "a[1]", "Values")]
    [TestCase("""{"a":{"\u0000":1}}""", "a._", "Member names")]
    [TestCase("""{"a":{"\udfff":1}}""", "a.?", "Member names")]
    [TestCase("""["\u0000"]""", "[0]", "Values")]
    [TestCase(""" "\u0000" """, "$", "Values")]
    public void FindInJson_NamesThePath(string json, string path, string what)
    {
        var failure = StorableText.FindInJson(Encoding.UTF8.GetBytes(json));

        Assert.That(failure, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(failure!.Path, Is.EqualTo(path));
            Assert.That(failure.Message, Does.StartWith(what));
            Assert.That(failure.Code, Is.EqualTo("invalid_string"));
        }
    }

    [Test]
    public void FindInJson_InvalidUtf8InAString_IsRefused()
    {
        byte[] json = [.. "{\"a\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8];

        Assert.That(StorableText.FindInJson(json)?.Message, Does.Contain("UTF-8"));
    }

    [TestCase("""{"a":"😀","b":["\ud83d\ude00"],"c":{"d":null,"e":1.5e300}}""")]
    [TestCase("not json \u0000")]
    [TestCase("")]
    public void FindInJson_StorableOrNotJson_IsNull(string json) => Assert.That(StorableText.FindInJson(Encoding.UTF8.GetBytes(json)), Is.Null);
}
