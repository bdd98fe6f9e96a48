using System.Reflection;
using McpPlatform.Domain.Common;
using McpPlatform.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using NetArchTest.Rules;

namespace McpPlatform.Tests.Architecture;

/// <summary>
/// The dependency rule, checked on the compiled assemblies: Api → Domain ← Infrastructure, the Api wiring
/// Infrastructure in. The Domain depends on nothing outward (no ASP.NET Core, EF Core, Npgsql, Redis, MCP SDK, nor the
/// other two layers), Infrastructure never on the Api, and controllers reach adapters only through the Domain's ports.
/// </summary>
public sealed class DependencyRuleTests
{
    private static readonly Assembly Domain = typeof(Error).Assembly;
    private static readonly Assembly Infrastructure = typeof(DependencyInjection).Assembly;
    private static readonly Assembly Api = typeof(Program).Assembly;

    [Test]
    public void TheDomain_ReferencesNoAssemblyButTheRuntimes()
    {
        var outward = Domain.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(name => !name.StartsWith("System", StringComparison.Ordinal) && name is not ("netstandard" or "mscorlib"))
            .ToList();

        Assert.That(outward, Is.Empty, "the Domain references only the .NET runtime");
    }

    [TestCase("McpPlatform.Infrastructure")]
    [TestCase("McpPlatform.Api")]
    [TestCase("Microsoft.AspNetCore")]
    [TestCase("Microsoft.EntityFrameworkCore")]
    [TestCase("Microsoft.Extensions")]
    [TestCase("Npgsql")]
    [TestCase("StackExchange.Redis")]
    [TestCase("ModelContextProtocol")]
    public void NoDomainType_DependsOn(string outward) =>
        AssertKept(Types.InAssembly(Domain).ShouldNot().HaveDependencyOn(outward).GetResult(), $"Domain → {outward}");

    [Test]
    public void NoInfrastructureType_DependsOnTheApi() =>
        AssertKept(Types.InAssembly(Infrastructure).ShouldNot().HaveDependencyOn("McpPlatform.Api").GetResult(), "Infrastructure → Api");

    [Test]
    public void NoController_DependsOnInfrastructure() =>
        AssertKept(
            Types.InAssembly(Api).That().Inherit(typeof(ControllerBase)).ShouldNot().HaveDependencyOn("McpPlatform.Infrastructure").GetResult(),
            "controller → Infrastructure");

    [Test]
    public void TheDomainsUnitTests_ReferenceNeitherInfrastructureNorTheApi()
    {
        var referenced = typeof(Domain.Tests.ResultTests).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.That(referenced, Does.Contain("McpPlatform.Domain"));
        Assert.That(referenced, Has.None.EqualTo("McpPlatform.Infrastructure").And.None.EqualTo("McpPlatform.Api"), "the Domain's unit tests need only the Domain (and mocks of its ports)");
    }

    [Test]
    public void Controllers_AreFound()
    {
        // Guards the rule above against checking nothing (a changed base class or assembly would make it vacuous).
        Assert.That(Types.InAssembly(Api).That().Inherit(typeof(ControllerBase)).GetTypes().Count(), Is.GreaterThan(5));
    }

    private static void AssertKept(TestResult result, string rule) =>
        Assert.That(result.IsSuccessful, Is.True, $"{rule} is forbidden, found in: {string.Join(", ", result.FailingTypeNames ?? [])}");
}
