using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// Configuration sets through both SES APIs (Create/Get|Describe/List/Delete with SES's errors), and the send check: a send
/// naming a set the sending account does not have is refused (v1 ConfigurationSetDoesNotExist, v2 NotFoundException);
/// under delegation the delegate's own set counts, never the owner's.
/// </summary>
public sealed class SesApiConfigurationSetTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    private const string OwnerDomain = "cs-brand.example";
    private const string OwnerArn = "arn:aws:ses:us-east-1:111111111111:identity/" + OwnerDomain;

    private static readonly string[] Simulator = ["success@simulator.amazonses.com"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string SendBody(string? configurationSet, string? fromArn = null) => JsonSerializer.Serialize(new
    {
        FromEmailAddress = "news@" + OwnerDomain,
        FromEmailAddressIdentityArn = fromArn,
        Destination = new { ToAddresses = Simulator },
        Content = new { Simple = new { Subject = new { Data = "s" }, Body = new { Text = new { Data = "b" } } } },
        ConfigurationSetName = configurationSet,
    });

    /// <summary>A's verified domain with a policy letting account B send as it.</summary>
    private async Task EnsureOwnerDomainAsync()
    {
        var identities = api.Service<IdentitiesService>();
        if ((await identities.GetAsync(SesApiServer.OwnerA, "us-east-1", OwnerDomain, Ct)).IsSuccess)
        {
            return;
        }

        Assert.True((await identities.CreateDomainAsync(SesApiServer.OwnerA, "us-east-1", OwnerDomain, new NewDomainIdentity { DkimKeyLength = 1024 }, Ct)).IsSuccess);
        await using (var db = await api.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            await db.SendingIdentities.Where(i => i.Name == OwnerDomain)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.VerificationStatus, VerificationStatus.Success), Ct);
        }

        api.Service<SesConsole.Web.Sending.SendingReadCache>().Invalidate(SesConsole.Web.Sending.SendingData.All);
        var saved = await api.Service<IdentityPoliciesService>().SaveAsync(SesApiServer.OwnerA, "us-east-1", OwnerDomain, null, "AllowB", $$"""
            { "Version": "2012-10-17", "Statement": [ { "Sid": "AllowB", "Effect": "Allow", "Principal": { "AWS": "222222222222" },
              "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "{{OwnerArn}}" } ] }
            """, Ct);
        Assert.True(saved.IsSuccess, saved.Error?.Message);
    }

    [Fact]
    public async Task V2_CreateGetListDelete_WithSesErrors()
    {
        var created = await api.A.V2Async(HttpMethod.Post, "/v2/email/configuration-sets", """{"ConfigurationSetName":"v2-Set_1"}""");
        var duplicate = await api.A.V2Async(HttpMethod.Post, "/v2/email/configuration-sets", """{"ConfigurationSetName":"v2-Set_1"}""");
        var got = await api.A.V2Async(HttpMethod.Get, "/v2/email/configuration-sets/v2-Set_1");
        var otherCase = await api.A.V2Async(HttpMethod.Get, "/v2/email/configuration-sets/v2-set_1");
        var listedGet = await api.A.V2Async(HttpMethod.Get, "/v2/email/configuration-sets");
        var listedPost = await api.A.V2Async(HttpMethod.Post, "/v2/email/list-configuration-sets", "{}");
        var notB = await api.B.V2Async(HttpMethod.Get, "/v2/email/configuration-sets/v2-Set_1");

        Assert.Equal((200, "{}"), (created.Status, created.Body));
        Assert.Equal((400, "AlreadyExistsException"), (duplicate.Status, duplicate.ErrorType));
        Assert.Equal("Configuration set v2-Set_1 already exists.", duplicate.Json.GetProperty("message").GetString());
        Assert.Equal(200, got.Status);
        Assert.Equal("v2-Set_1", got.Json.GetProperty("ConfigurationSetName").GetString());
        Assert.True(got.Json.GetProperty("SendingOptions").GetProperty("SendingEnabled").GetBoolean());
        Assert.Equal((404, "NotFoundException"), (otherCase.Status, otherCase.ErrorType));
        Assert.Contains("v2-Set_1", listedGet.Json.GetProperty("ConfigurationSets").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(listedGet.Json.GetProperty("ConfigurationSets").GetRawText(), listedPost.Json.GetProperty("ConfigurationSets").GetRawText());
        Assert.Equal((404, "NotFoundException"), (notB.Status, notB.ErrorType));

        var deleted = await api.A.V2Async(HttpMethod.Delete, "/v2/email/configuration-sets/v2-Set_1");
        var gone = await api.A.V2Async(HttpMethod.Get, "/v2/email/configuration-sets/v2-Set_1");
        var deletedAgain = await api.A.V2Async(HttpMethod.Delete, "/v2/email/configuration-sets/v2-Set_1");

        Assert.Equal(200, deleted.Status);
        Assert.Equal((404, "NotFoundException"), (gone.Status, gone.ErrorType));
        Assert.Equal("Configuration set v2-Set_1 does not exist.", gone.Json.GetProperty("message").GetString());
        Assert.Equal((404, "NotFoundException"), (deletedAgain.Status, deletedAgain.ErrorType));
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"ConfigurationSetName":""}""")]
    [InlineData("""{"ConfigurationSetName":"has space"}""")]
    [InlineData("""{"ConfigurationSetName":"dot.ted"}""")]
    [InlineData("""{"ConfigurationSetName":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""")] // 65
    [InlineData("""{"ConfigurationSetName":"paused","SendingOptions":{"SendingEnabled":false}}""")]
    public async Task V2_Create_BadName_BadRequestAndNothingCreated(string body)
    {
        var response = await api.A.V2Async(HttpMethod.Post, "/v2/email/configuration-sets", body);

        Assert.Equal((400, "BadRequestException"), (response.Status, response.ErrorType));
        Assert.DoesNotContain("paused", (await api.A.V2Async(HttpMethod.Get, "/v2/email/configuration-sets")).Json.GetProperty("ConfigurationSets").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task V2_List_PagesWithNextToken()
    {
        foreach (var name in new[] { "page-a", "page-b", "page-c" })
        {
            await api.B.V2Async(HttpMethod.Post, "/v2/email/configuration-sets", $$"""{"ConfigurationSetName":"{{name}}"}""");
        }

        var names = new List<string>();
        string? token = null;
        do
        {
            var page = await api.B.V2Async(HttpMethod.Post, "/v2/email/list-configuration-sets", JsonSerializer.Serialize(new { PageSize = 2, NextToken = token }));
            Assert.Equal(200, page.Status);
            Assert.True(page.Json.GetProperty("ConfigurationSets").GetArrayLength() <= 2);
            names.AddRange(page.Json.GetProperty("ConfigurationSets").EnumerateArray().Select(e => e.GetString()!));
            token = page.Json.TryGetProperty("NextToken", out var next) ? next.GetString() : null;
        }
        while (token is not null);

        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Subset(names.ToHashSet(), new HashSet<string> { "page-a", "page-b", "page-c" });
    }

    [Fact]
    public async Task V1_CreateDescribeListDelete_WithSesErrors()
    {
        var created = await api.A.V1Async(("Action", "CreateConfigurationSet"), ("ConfigurationSet.Name", "v1set"));
        var duplicate = await api.A.V1Async(("Action", "CreateConfigurationSet"), ("ConfigurationSet.Name", "v1set"));
        var invalid = await api.A.V1Async(("Action", "CreateConfigurationSet"), ("ConfigurationSet.Name", "no way"));
        var described = await api.A.V1Async(("Action", "DescribeConfigurationSet"), ("ConfigurationSetName", "v1set"));
        var listed = await api.A.V1Async(("Action", "ListConfigurationSets"));

        Assert.Equal(200, created.Status);
        Assert.Equal((400, "ConfigurationSetAlreadyExists"), (duplicate.Status, duplicate.V1Code));
        Assert.Equal((400, "InvalidConfigurationSet"), (invalid.Status, invalid.V1Code));
        Assert.Equal("v1set", described.Xml.Descendants(SesApiTestClient.Ns + "ConfigurationSet").Single().Element(SesApiTestClient.Ns + "Name")!.Value);
        Assert.Contains("v1set", listed.Xml.Descendants(SesApiTestClient.Ns + "Name").Select(e => e.Value));

        var deleted = await api.A.V1Async(("Action", "DeleteConfigurationSet"), ("ConfigurationSetName", "v1set"));
        var missing = await api.A.V1Async(("Action", "DescribeConfigurationSet"), ("ConfigurationSetName", "v1set"));
        var deleteMissing = await api.A.V1Async(("Action", "DeleteConfigurationSet"), ("ConfigurationSetName", "v1set"));

        Assert.Equal(200, deleted.Status);
        Assert.Equal((400, "ConfigurationSetDoesNotExist"), (missing.Status, missing.V1Code));
        Assert.Equal("Configuration set v1set does not exist.", missing.Xml.Descendants(SesApiTestClient.Ns + "Message").Single().Value);
        Assert.Equal((400, "ConfigurationSetDoesNotExist"), (deleteMissing.Status, deleteMissing.V1Code));
    }

    [Fact]
    public async Task Send_UnknownConfigurationSet_RefusedOnEveryApi_KnownOneAccepted()
    {
        await EnsureOwnerDomainAsync();
        await api.A.V2Async(HttpMethod.Post, "/v2/email/configuration-sets", """{"ConfigurationSetName":"owner-tracking"}""");
        var raw = $"From: news@{OwnerDomain}\r\nTo: success@simulator.amazonses.com\r\nSubject: raw\r\nX-SES-CONFIGURATION-SET: nope\r\n\r\nbody\r\n";

        var v2 = await api.A.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", SendBody("nope"));
        var v1 = await api.A.V1Async(("Action", "SendEmail"), ("Source", "news@" + OwnerDomain), ("Destination.ToAddresses.member.1", "success@simulator.amazonses.com"),
            ("Message.Subject.Data", "s"), ("Message.Body.Text.Data", "b"), ("ConfigurationSetName", "nope"));
        var v1Raw = await api.A.V1RawAsync(raw);
        var v1RawParameterWins = await api.A.V1RawAsync(raw, ("ConfigurationSetName", "owner-tracking"));
        var v2Known = await api.A.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", SendBody("owner-tracking"));

        Assert.Equal((404, "NotFoundException"), (v2.Status, v2.ErrorType));
        Assert.Equal("Configuration set nope does not exist.", v2.Json.GetProperty("message").GetString());
        Assert.Equal((400, "ConfigurationSetDoesNotExist"), (v1.Status, v1.V1Code));
        Assert.Equal((400, "ConfigurationSetDoesNotExist"), (v1Raw.Status, v1Raw.V1Code));
        Assert.Equal(200, v1RawParameterWins.Status);
        Assert.Equal(200, v2Known.Status);
    }

    [Fact]
    public async Task DelegatedSend_TheDelegatesOwnSetApplies_NeverTheOwners()
    {
        await EnsureOwnerDomainAsync();
        await api.A.V2Async(HttpMethod.Post, "/v2/email/configuration-sets", """{"ConfigurationSetName":"only-owner"}""");
        await api.B.V2Async(HttpMethod.Post, "/v2/email/configuration-sets", """{"ConfigurationSetName":"delegate-own"}""");

        var ownersSet = await api.B.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", SendBody("only-owner", OwnerArn));
        var ownSet = await api.B.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", SendBody("delegate-own", OwnerArn));

        Assert.Equal((404, "NotFoundException"), (ownersSet.Status, ownersSet.ErrorType));
        Assert.Equal(200, ownSet.Status);
    }

    [Fact]
    public async Task DeletedSet_NextSendRefused()
    {
        await EnsureOwnerDomainAsync();
        await api.A.V2Async(HttpMethod.Post, "/v2/email/configuration-sets", """{"ConfigurationSetName":"short-lived"}""");
        Assert.Equal(200, (await api.A.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", SendBody("short-lived"))).Status);

        await api.A.V2Async(HttpMethod.Delete, "/v2/email/configuration-sets/short-lived");
        var after = await api.A.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", SendBody("short-lived"));

        Assert.Equal((404, "NotFoundException"), (after.Status, after.ErrorType));
    }
}
