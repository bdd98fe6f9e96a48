using System.Reflection;
using McpPlatform.Api.Errors;
using McpPlatform.Domain.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace McpPlatform.Tests.Unit;

/// <summary>Every ProblemDetails takes its status from its error's kind: one mapping, and no way to pass a status past it.</summary>
public sealed class ProblemsTests
{
    [TestCase(ErrorKind.Validation, 400)]
    [TestCase(ErrorKind.Unauthorized, 401)]
    [TestCase(ErrorKind.Forbidden, 403)]
    [TestCase(ErrorKind.NotFound, 404)]
    [TestCase(ErrorKind.Conflict, 409)]
    [TestCase(ErrorKind.PreconditionFailed, 412)]
    [TestCase(ErrorKind.TooManyRequests, 429)]
    [TestCase(ErrorKind.Internal, 500)]
    [TestCase(ErrorKind.UpstreamFailed, 502)]
    [TestCase(ErrorKind.Unavailable, 503)]
    [TestCase(ErrorKind.UpstreamTimeout, 504)]
    public void EachKind_HasItsStatus(ErrorKind kind, int status)
    {
        var problem = Problems.From(new Error(kind, "error", "message"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Problems.StatusOf(kind), Is.EqualTo(status));
            Assert.That(problem.Status, Is.EqualTo(status));
        }
    }

    [Test]
    public void EveryKind_IsMapped() =>
        Assert.That(Enum.GetValues<ErrorKind>().Where(k => Problems.StatusOf(k) == 500 && k != ErrorKind.Internal), Is.Empty);

    [Test]
    public void NoPublicMethod_TakesAStatus() =>
        Assert.That(
            typeof(Problems).GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(int)))
                .Select(m => m.Name),
            Is.Empty);

    [Test]
    public async Task WriteAsync_SetsTheKindsStatus()
    {
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        context.RequestServices = new ServiceCollection().BuildServiceProvider();

        await Problems.WriteAsync(context, new Error(ErrorKind.TooManyRequests, "Too Many Requests"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(context.Response.StatusCode, Is.EqualTo(429));
            Assert.That(context.Response.ContentType, Is.EqualTo("application/problem+json"));
        }
    }
}
