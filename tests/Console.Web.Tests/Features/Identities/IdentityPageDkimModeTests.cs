using Bunit;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Identities;

/// <summary>The identity page lists the Easy DKIM records of the mode in effect: CNAMEs into the DKIM zone (the default).</summary>
public sealed class IdentityPageCnameModeTests() : ConsoleTestContext([new("Dns:DkimZone", Zone)])
{
    private const string Zone = "dkim.platform.example";

    [Fact]
    public async Task IdentityPage_lists_the_cnames_into_the_DKIM_zone_and_says_who_publishes_the_keys()
    {
        await Service<IdentitiesService>().CreateDomainAsync(new Caller("id", "root", AccountA, null, $"arn:aws:iam::{AccountA}:root", false),
            "us-east-1", "cname.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Xunit.TestContext.Current.CancellationToken);
        SignInAsRoot(AccountA);

        var page = Render<IdentityPage>(p => p.Add(x => x.Name, "cname.example"));

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-testid=dns-records] tbody tr").Count));
        var dkimRows = page.FindAll("[data-testid=dns-records] tbody tr").Where(r => r.TextContent.Contains("._domainkey.cname.example", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, dkimRows.Count);
        Assert.All(dkimRows, row =>
        {
            var cells = row.QuerySelectorAll("td");
            var selector = cells[2].TextContent.Trim().Split("._domainkey.")[0];
            Assert.Equal("CNAME", cells[1].TextContent.Trim());
            Assert.Equal($"{selector}.{Zone}", cells[3].TextContent.Trim());
        });
        Assert.Contains($"this installation publishes in {Zone}", page.Find("[data-testid=dkim-cname-note]").TextContent, StringComparison.Ordinal);
    }
}

/// <summary>The same page in TXT mode (<c>Dns:DkimMode</c> = Txt): the key TXT records, no zone note.</summary>
public sealed class IdentityPageTxtModeTests() : ConsoleTestContext([new("Dns:DkimMode", "Txt"), new("Dns:DkimZone", "dkim.platform.example")])
{
    [Fact]
    public async Task IdentityPage_lists_the_key_txt_records()
    {
        await Service<IdentitiesService>().CreateDomainAsync(new Caller("id", "root", AccountA, null, $"arn:aws:iam::{AccountA}:root", false),
            "us-east-1", "txt.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Xunit.TestContext.Current.CancellationToken);
        SignInAsRoot(AccountA);

        var page = Render<IdentityPage>(p => p.Add(x => x.Name, "txt.example"));

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-testid=dns-records] tbody tr").Count));
        var dkimRows = page.FindAll("[data-testid=dns-records] tbody tr").Where(r => r.TextContent.Contains("._domainkey.txt.example", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, dkimRows.Count);
        Assert.All(dkimRows, row =>
        {
            Assert.Equal("TXT", row.QuerySelectorAll("td")[1].TextContent.Trim());
            Assert.StartsWith("v=DKIM1; k=rsa; p=", row.QuerySelectorAll("td")[3].TextContent.Trim(), StringComparison.Ordinal);
        });
        Assert.Empty(page.FindAll("[data-testid=dkim-cname-note]"));
    }
}
