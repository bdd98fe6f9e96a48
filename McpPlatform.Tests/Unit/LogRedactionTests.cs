using McpPlatform.Api.Hosting.Logging;

namespace McpPlatform.Tests.Unit;

public sealed class LogRedactionTests
{
    [TestCase("Authorization: Bearer abcdef0123456789xyz", "Authorization: Bearer [REDACTED]")]
    [TestCase("basic ZGVtbzpzZWNyZXQtdmFsdWU=", "basic [REDACTED]")]
    [TestCase("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl here", "token [REDACTED] here")]
    [TestCase("GET /api/mcp/x/oauth/callback?code=abc123&state=s3cr3t&iss=http://a", "GET /api/mcp/x/oauth/callback?code=[REDACTED]&state=[REDACTED]&iss=http://a")]
    [TestCase("grant_type=refresh_token&refresh_token=rt-1&client_secret=cs-2", "grant_type=refresh_token&refresh_token=[REDACTED]&client_secret=[REDACTED]")]
    [TestCase("""{"access_token":"at-1","token_type":"Bearer","refresh_token":"rt-2"}""", """{"access_token":"[REDACTED]","token_type":"Bearer","refresh_token":"[REDACTED]"}""")]
    [TestCase("cancellationToken=default and exit status 1", "cancellationToken=default and exit status 1")]
    public void Redact_RemovesCredentials_AndLeavesTheRest(string input, string expected)
    {
        Assert.That(LogRedaction.Redact(input), Is.EqualTo(expected));
    }
}
