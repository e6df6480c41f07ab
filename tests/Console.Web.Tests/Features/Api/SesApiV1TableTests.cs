using System.Text.RegularExpressions;
using SesConsole.Web.Features.Api;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// The v1 action table (<see cref="SesApiV1.Actions"/>) is what docs/ses-api.md lists, and every listed action is answered
/// by its handler through the running server — never <c>InvalidAction</c>, never a 5xx.
/// </summary>
public sealed partial class SesApiV1TableTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    public static TheoryData<string> DocumentedActions => new(Documented());

    [Fact]
    public void DocsTable_ListsExactlyTheActionsOfTheTable_EachOnce()
    {
        var table = SesApiV1.Actions.Select(a => a.Name).ToList();

        Assert.Equal(table.Count, table.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(table.Order(StringComparer.Ordinal), Documented().Order(StringComparer.Ordinal));
        Assert.Contains("SendEmail", table);
        Assert.True(table.Count >= 23, $"only {table.Count} v1 actions");
    }

    [Theory]
    [MemberData(nameof(DocumentedActions))]
    public async Task DocumentedAction_AnsweredByItsHandler_NotInvalidAction(string action)
    {
        var response = await api.A.V1Async(("Action", action));

        Assert.True(response.Status < 500, $"{action}: {response.Status} {response.Body}");
        Assert.Equal("text/xml", response.ContentType);
        Assert.NotNull(response.RequestId);
        if (response.Status >= 400)
        {
            Assert.NotEqual("InvalidAction", response.V1Code);
        }
        else
        {
            Assert.Equal(action + "Response", response.Xml.Name.LocalName);
            Assert.Single(response.Xml.Elements(SesApiTestClient.Ns + action + "Result"));
        }
    }

    [Theory]
    [InlineData("NoSuchAction")]
    [InlineData("sendemail")]
    [InlineData("")]
    public async Task ActionNotInTheTable_InvalidAction400(string action)
    {
        var response = await api.A.V1Async(("Action", action));

        Assert.Equal(400, response.Status);
        Assert.Equal("InvalidAction", response.V1Code);
        Assert.Equal($"The action {action} is not valid for this web service.", response.Xml.Descendants(SesApiTestClient.Ns + "Message").Single().Value);
    }

    /// <summary>The action names in the table under "## v1 actions" of docs/ses-api.md.</summary>
    private static List<string> Documented()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "ses-api.md"));
        return lines.SkipWhile(l => l != "## v1 actions").Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal))
            .Select(l => TableAction().Match(l)).Where(m => m.Success).Select(m => m.Groups["action"].Value).ToList();
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SesConsole.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("SesConsole.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\| `(?<action>\w+)` \|")]
    private static partial Regex TableAction();
}
