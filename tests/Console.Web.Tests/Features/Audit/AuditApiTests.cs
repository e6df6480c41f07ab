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

    private async Task<List<AuditEntryEntity>> EntriesAsync(string target)
    {
        await using var db = api.Server.App.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();
        return (await db.AuditEntries.AsNoTracking().Where(e => e.Target == target).ToListAsync(Ct)).OrderBy(e => e.At).ThenBy(e => e.Id).ToList();
    }
}
