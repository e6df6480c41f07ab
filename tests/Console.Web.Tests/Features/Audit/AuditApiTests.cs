using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Tests.Features.Api;
using SesConsole.Web.Tests.Features.Policies;

namespace SesConsole.Web.Tests.Features.Audit;

/// <summary>Changes through the SES API are recorded as <c>api</c>, with the access key and the client's address (docs/audit-log.md#who-and-how).</summary>
public sealed class AuditApiTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task V1_PutIdentityPolicy_writes_one_api_entry_with_the_key_and_the_document()
    {
        var created = await api.A.V2Async(HttpMethod.Post, "/v2/email/identities", """{"EmailIdentity":"audit-api.example"}""");
        Assert.Equal(200, created.Status);
        var document = PoliciesFixture.Policy("arn:aws:ses:us-east-1:111111111111:identity/audit-api.example");

        var put = await api.A.V1Async(("Action", "PutIdentityPolicy"), ("Identity", "audit-api.example"), ("PolicyName", "Agency"), ("Policy", document));
        var refused = await api.A.V1Async(("Action", "PutIdentityPolicy"), ("Identity", "audit-api.example"), ("PolicyName", "Broken"), ("Policy", "{}"));

        Assert.Equal(200, put.Status);
        Assert.Equal(400, refused.Status);
        var entries = await EntriesAsync("audit-api.example");
        Assert.Equal([AuditKinds.IdentityCreated, AuditKinds.PolicyPut], entries.Select(e => e.Kind));
        var policy = entries[1];
        Assert.Equal(AuditVia.Api, policy.Via);
        Assert.Equal(api.KeyA.Id, policy.Credential);
        Assert.Equal("arn:aws:iam::111111111111:root", policy.ActorArn);
        Assert.Equal("111111111111", policy.ActorAccountId);
        Assert.Equal("127.0.0.1", policy.SourceIp);
        Assert.Null(policy.Before);
        Assert.Equal(document, policy.After);
        Assert.All(entries, e => Assert.DoesNotContain(api.KeyA.Secret, e.Summary + e.After + e.Credential, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Template_changes_through_v2_and_v1_are_recorded_with_their_parts_before_and_after_and_a_refused_one_is_not()
    {
        var created = await api.A.V2Async(HttpMethod.Post, "/v2/email/templates",
            """{"TemplateName":"audit-welcome","TemplateContent":{"Subject":"Hi {{name}}","Text":"One"}}""");
        var updated = await api.A.V2Async(HttpMethod.Put, "/v2/email/templates/audit-welcome",
            """{"TemplateContent":{"Subject":"Hello {{name}}","Text":"Two"}}""");
        var refused = await api.A.V2Async(HttpMethod.Put, "/v2/email/templates/audit-welcome",
            """{"TemplateContent":{"Subject":"{{#if x}}","Text":"Three"}}""");
        var deleted = await api.A.V1Async(("Action", "DeleteTemplate"), ("TemplateName", "audit-welcome"));

        Assert.Equal((200, 200, 400, 200), (created.Status, updated.Status, refused.Status, deleted.Status));
        var entries = await EntriesAsync("audit-welcome");
        Assert.Equal([AuditKinds.TemplateCreated, AuditKinds.TemplateUpdated, AuditKinds.TemplateDeleted], entries.Select(e => e.Kind));
        Assert.All(entries, e => Assert.Equal(("111111111111", "us-east-1", AuditVia.Api, api.KeyA.Id), (e.AccountId, e.Region, e.Via, e.Credential)));
        Assert.Null(entries[0].Before);
        Assert.Contains("\"Subject\": \"Hi {{name}}\"", entries[0].After, StringComparison.Ordinal);
        Assert.Equal(entries[0].After, entries[1].Before);
        Assert.Contains("\"Subject\": \"Hello {{name}}\"", entries[1].After, StringComparison.Ordinal);
        Assert.Contains("\"Version\": 2", entries[1].After, StringComparison.Ordinal);
        Assert.Equal("Updated email template audit-welcome (version 2).", entries[1].Summary);
        Assert.Equal(entries[1].After, entries[2].Before);
        Assert.Null(entries[2].After);
    }

    [Fact]
    public async Task Configuration_set_and_event_destination_changes_are_recorded_under_the_set()
    {
        const string Set = "audit-set";
        const string Destinations = "/v2/email/configuration-sets/audit-set/event-destinations";
        var calls = new[]
        {
            await api.A.V2Async(HttpMethod.Post, "/v2/email/configuration-sets", """{"ConfigurationSetName":"audit-set"}"""),
            await api.A.V2Async(HttpMethod.Post, Destinations, """{"EventDestinationName":"log","EventDestination":{"Enabled":true,"MatchingEventTypes":["BOUNCE"]}}"""),
            await api.A.V2Async(HttpMethod.Put, Destinations + "/log", """{"EventDestination":{"Enabled":false,"MatchingEventTypes":["SEND","DELIVERY"]}}"""),
            await api.A.V2Async(HttpMethod.Put, Destinations + "/log", """{"EventDestination":{"MatchingEventTypes":["NOT_A_TYPE"]}}"""),
            await api.A.V2Async(HttpMethod.Delete, Destinations + "/log"),
            await api.A.V2Async(HttpMethod.Post, Destinations, """{"EventDestinationName":"kept","EventDestination":{"MatchingEventTypes":["SEND"]}}"""),
            await api.A.V2Async(HttpMethod.Delete, "/v2/email/configuration-sets/audit-set"),
        };

        Assert.Equal([200, 200, 200, 400, 200, 200, 200], calls.Select(c => c.Status));
        var entries = await EntriesAsync(Set);
        Assert.Equal([AuditKinds.ConfigurationSetCreated, .. Enumerable.Repeat(AuditKinds.ConfigurationSetDestination, 4), AuditKinds.ConfigurationSetDeleted],
            entries.Select(e => e.Kind));
        Assert.All(entries, e => Assert.Equal(("111111111111", "us-east-1", AuditVia.Api), (e.AccountId, e.Region, e.Via)));
        Assert.Equal("Updated event destination log of configuration set audit-set.", entries[2].Summary);
        Assert.Contains("\"Enabled\": true", entries[2].Before, StringComparison.Ordinal);
        Assert.Contains("\"DELIVERY\"", entries[2].After, StringComparison.Ordinal);
        Assert.Equal(entries[2].After, entries[3].Before);
        Assert.Null(entries[3].After);
        Assert.Equal("Deleted configuration set audit-set with its 1 event destination(s).", entries[5].Summary);
        Assert.Contains("\"kept\"", entries[5].Before, StringComparison.Ordinal);
    }

    private async Task<List<AuditEntryEntity>> EntriesAsync(string target)
    {
        await using var db = api.Server.App.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();
        return (await db.AuditEntries.AsNoTracking().Where(e => e.Target == target).ToListAsync(Ct)).OrderBy(e => e.At).ThenBy(e => e.Id).ToList();
    }
}
