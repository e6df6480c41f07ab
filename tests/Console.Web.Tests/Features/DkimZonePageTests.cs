using Bunit;
using MudBlazor;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Admin;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features;

/// <summary>The admin's "DKIM zone" page in CNAME mode (the default) with <c>Dns:DkimZone</c> = dkim.platform.example.</summary>
public sealed class DkimZonePageTests() : ConsoleTestContext([new("Dns:DkimZone", Zone)])
{
    private const string Zone = "dkim.platform.example";

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static Caller RootOf(string account) => new("id", "root", account, null, $"arn:aws:iam::{account}:root", false);

    [Fact]
    public async Task Lists_the_TXT_record_behind_every_owner_CNAME_of_Easy_DKIM_domains_with_copy_buttons()
    {
        var service = Service<IdentitiesService>();
        await service.CreateDomainAsync(RootOf(AccountA), "us-east-1", "easy.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Ct);
        var byo = DkimKeyGenerator.Generate(1024).GetValueOrThrow();
        await service.CreateDomainAsync(RootOf(AccountB), "eu-west-1", "byo.example", new NewDomainIdentity { Selector = "mine", PrivateKey = byo.PrivateKeyPem }, Ct);
        await service.CreateEmailAsync(RootOf(AccountB), "us-east-1", "someone@byo.example", new Uri("http://localhost/"), Ct);
        var ownerCnames = (await service.GetAsync(RootOf(AccountA), "us-east-1", "easy.example", Ct)).Value!.Records.Where(r => r.Type == "CNAME").ToList();
        SignInAsAdmin();

        var page = Render<DkimZonePage>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=dkim-zone-table] tbody tr").Count));
        Assert.Equal(3, ownerCnames.Count);
        var rows = page.FindAll("[data-testid=dkim-zone-table] tbody tr");
        foreach (var cname in ownerCnames)
        {
            var row = Assert.Single(rows, r => r.TextContent.Contains(cname.Value, StringComparison.Ordinal));
            Assert.Contains("easy.example", row.TextContent, StringComparison.Ordinal);
            Assert.Contains(AccountA, row.TextContent, StringComparison.Ordinal);
            Assert.Contains("v=DKIM1; k=rsa; p=", row.TextContent, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("byo.example", page.Markup, StringComparison.Ordinal);
        Assert.Contains(Zone, page.Find("[data-testid=dkim-zone-intro]").TextContent, StringComparison.Ordinal);
        Assert.Contains("The zone comes from Dns:DkimZone", page.Find("[data-testid=dkim-zone-intro]").TextContent, StringComparison.Ordinal);

        page.Find($"button[aria-label='Copy record name {ownerCnames[0].Value}']").Click();
        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "navigator.clipboard.writeText" && (string?)i.Arguments[0] == ownerCnames[0].Value);
        page.Find("[data-testid=copy-zone-file]").Click();
        var zoneFile = (string)JSInterop.Invocations.Last(i => i.Identifier == "navigator.clipboard.writeText").Arguments[0]!;
        Assert.Equal(3, zoneFile.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains($"{ownerCnames[0].Value}. IN TXT \"v=DKIM1; k=rsa; p=", zoneFile, StringComparison.Ordinal);
        Assert.Contains(Service<ISnackbar>().ShownSnackbars, s => s.Message == "Copied 3 zone file lines.");
    }

    [Fact]
    public void Without_Easy_DKIM_domains_explains_that_nothing_needs_publishing_yet()
    {
        SignInAsAdmin();

        var page = Render<DkimZonePage>();

        page.WaitForAssertion(() => Assert.Contains($"No records to publish in {Zone} yet", page.Markup, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=copy-zone-file]"));
    }

    [Fact]
    public async Task Service_refuses_a_non_admin()
    {
        var result = await Service<IdentitiesService>().ListPlatformDkimRecordsAsync(RootOf(AccountA), Ct);

        Assert.Equal("auth.admin_only", result.Error?.Code);
    }

    [Fact]
    public void A_2048_bit_key_is_split_into_255_character_strings_in_the_zone_file_line()
    {
        var key = DkimKeyGenerator.Generate(2048).GetValueOrThrow();
        var record = new PlatformDkimRecord(AccountA, "us-east-1", "d.example", VerificationStatus.Pending, "TXT", $"sel.{Zone}", DkimRecord.TxtValue(key.PublicKey));

        var line = record.ZoneFileLine();

        var strings = System.Text.RegularExpressions.Regex.Matches(line, "\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.StartsWith($"sel.{Zone}. IN TXT \"", line, StringComparison.Ordinal);
        Assert.True(strings.Count >= 2);
        Assert.All(strings, s => Assert.True(s.Length <= 255));
        Assert.Equal(record.Value, string.Concat(strings));
    }
}

/// <summary>The same page in CNAME mode (the default) with no zone: neither <c>Dns:DkimZone</c> nor <c>Console:PublicBaseUrl</c>.</summary>
public sealed class DkimZonePageNoZoneTests : ConsoleTestContext
{
    [Fact]
    public async Task Says_no_zone_is_configured_and_what_to_set_even_when_Easy_DKIM_domains_exist()
    {
        await Service<IdentitiesService>().CreateDomainAsync(new Caller("id", "root", AccountA, null, $"arn:aws:iam::{AccountA}:root", false),
            "us-east-1", "nozone.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Xunit.TestContext.Current.CancellationToken);
        SignInAsAdmin();

        var page = Render<DkimZonePage>();

        page.WaitForAssertion(() => Assert.Contains("No DKIM zone is configured", page.Find("[data-testid=dkim-zone-missing]").TextContent, StringComparison.Ordinal));
        var text = page.Find("[data-testid=dkim-zone-missing]").TextContent;
        Assert.Contains("Dns:DkimZone is not set and Console:PublicBaseUrl is not set either", text, StringComparison.Ordinal);
        Assert.Contains("owners are asked for the key TXT records instead of CNAMEs", text, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=dkim-zone-table]"));
    }
}

/// <summary>The same page in TXT mode (<c>Dns:DkimMode</c> = Txt), where a zone set as well is ignored.</summary>
public sealed class DkimZonePageTxtModeTests() : ConsoleTestContext([new("Dns:DkimMode", "Txt"), new("Dns:DkimZone", "dkim.platform.example")])
{
    [Fact]
    public async Task Explains_that_TXT_mode_has_nothing_to_publish_even_when_Easy_DKIM_domains_exist()
    {
        await Service<IdentitiesService>().CreateDomainAsync(new Caller("id", "root", AccountA, null, $"arn:aws:iam::{AccountA}:root", false),
            "us-east-1", "txtmode.example", new NewDomainIdentity { DkimKeyLength = 1024 }, Xunit.TestContext.Current.CancellationToken);
        SignInAsAdmin();

        var page = Render<DkimZonePage>();

        page.WaitForAssertion(() => Assert.Contains("TXT mode: nothing to publish here", page.Markup, StringComparison.Ordinal));
        Assert.Contains("Dns:DkimMode is Txt", page.Markup, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=dkim-zone-table]"));
        Assert.Empty(page.FindAll("[data-testid=dkim-zone-missing]"));
    }
}
