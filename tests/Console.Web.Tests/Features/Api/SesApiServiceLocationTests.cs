namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// The API's handlers and filters get their dependencies injected (docs/ses-api.md#the-request-pipeline): no source file
/// of the SES or STS API looks a service up itself.
/// </summary>
public sealed class SesApiServiceLocationTests
{
    private static readonly string[] ServiceLookups =
        ["GetRequiredService", "GetService(", "GetService<", "GetKeyedService", "GetRequiredKeyedService", "RequestServices", "ActivatorUtilities", "IServiceProvider"];

    [Theory]
    [InlineData("Api")]
    [InlineData("Sts")]
    public void ApiSources_LookUpNoService(string feature)
    {
        var folder = Path.Combine(SesApiV1TableTests.RepositoryRoot(), "src", "Console.Web", "Features", feature);
        var files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories);

        var lookups = files
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetFileName(f), Line: i + 1, Text: line)))
            .Where(l => ServiceLookups.Any(s => l.Text.Contains(s, StringComparison.Ordinal)))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.NotEmpty(files);
        Assert.True(lookups.Count == 0, "Inject the dependency instead:\n" + string.Join('\n', lookups));
    }
}
