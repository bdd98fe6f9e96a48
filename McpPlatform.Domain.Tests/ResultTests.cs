using McpPlatform.Domain.Common;

namespace McpPlatform.Domain.Tests;

/// <summary>Composing results: a success flows through Map and Bind, an error skips every later step unchanged.</summary>
public sealed class ResultTests
{
    private static readonly Error NotFound = new(ErrorKind.NotFound, "Not Found");

    [Test]
    public async Task Success_FlowsThroughMapAndBind()
    {
        Result<int> start = 2;

        var mapped = start.Map(v => v * 10);
        var bound = mapped.Bind(v => (Result<string>)$"#{v}");
        var awaited = await bound.BindAsync(v => Task.FromResult((Result<int>)v.Length));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(mapped.Value, Is.EqualTo(20));
            Assert.That(bound.Value, Is.EqualTo("#20"));
            Assert.That(awaited.Value, Is.EqualTo(3));
            Assert.That(awaited.Match(v => $"ok {v}", e => e.Kind.ToString()), Is.EqualTo("ok 3"));
        }
    }

    [Test]
    public async Task AnError_SkipsEveryLaterStep_AndIsKept()
    {
        Result<int> start = NotFound;
        var ran = 0;

        var mapped = start.Map(v => ++ran + v);
        var bound = mapped.Bind(v => (Result<int>)(++ran + v));
        var awaited = await bound.BindAsync(v => Task.FromResult((Result<int>)(++ran + v)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ran, Is.Zero);
            Assert.That(awaited.Error, Is.SameAs(NotFound));
            Assert.That(awaited.Match(v => "ok", e => e.Kind.ToString()), Is.EqualTo("NotFound"));
        }
    }
}
