namespace McpPlatform.Api.Commands;

/// <summary>What <c>import-servers</c> did: the names given to the imported servers, and each skipped entry with why.</summary>
public sealed record ImportReport(IReadOnlyList<string> Imported, IReadOnlyList<(string Name, string Reason)> Skipped);
