using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Tests.Features.Api;

namespace SesConsole.Web.Tests.Features.Policies;

/// <summary>
/// The impact preview and the findings on a history made by really sending: owner A (111111111111) verifies a domain and
/// grants owner B (222222222222) through the v2 API; B and A send through v2 SendEmail over Kestrel into a real SQLite
/// file; then the services replay those stored attempts (docs/policy-editor.md#impact-preview, #findings).
/// </summary>
public sealed class PolicyImpactIntegrationTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    private const string Region = "us-east-1";
    private const string DelegateRoot = "arn:aws:iam::222222222222:root";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Arn(string identity) => $"arn:aws:ses:{Region}:111111111111:identity/{identity}";

    private static string Grant(string domain, string sid = "AllowB", string principal = "222222222222") => $$"""
        {"Version":"2012-10-17","Statement":[{"Sid":"{{sid}}","Effect":"Allow","Principal":{"AWS":"{{principal}}"},
         "Action":["ses:SendEmail","ses:SendRawEmail"],"Resource":"{{Arn(domain)}}"}]}
        """;

    private async Task VerifiedDomainAsync(string domain)
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = await api.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        db.SendingIdentities.Add(new SendingIdentityEntity
        {
            Id = Guid.NewGuid(), AccountId = "111111111111", Region = Region, Type = SendingIdentityType.Domain, Name = domain,
            VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
        });
        await db.SaveChangesAsync(Ct);
    }

    private async Task PutPolicyAsync(string domain, string name, string document)
    {
        var put = await api.A.V2Async(HttpMethod.Post, $"/v2/email/identities/{Uri.EscapeDataString(domain)}/policies/{name}",
            System.Text.Json.JsonSerializer.Serialize(new { Policy = document }));
        Assert.True(put.Status == 200, put.Body);
    }

    private static async Task<int> SendAsync(Shared.SesApiTestClient client, string from, string domain)
    {
        var response = await client.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", $$"""
            {"FromEmailAddress":"{{from}}","FromEmailAddressIdentityArn":"{{Arn(domain)}}",
             "Destination":{"ToAddresses":["success@simulator.amazonses.com"] },
             "Content":{"Simple":{"Subject":{"Data":"Impact"},"Body":{"Text":{"Data":"Hello"} } } } }
            """);
        return response.Status;
    }

    private PolicyImpactService Impact => api.Service<PolicyImpactService>();

    [Fact]
    public async Task Revoking_the_delegate_shows_its_sends_would_be_denied_with_counts_and_the_owners_own_sends_unchanged()
    {
        const string domain = "impact-revoke.example";
        await VerifiedDomainAsync(domain);
        await PutPolicyAsync(domain, "Delegates", Grant(domain));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, await SendAsync(api.B, $"news@{domain}", domain));
        }

        Assert.Equal(200, await SendAsync(api.B, $"billing@{domain}", domain));
        Assert.Equal(200, await SendAsync(api.A, $"owner@{domain}", domain));

        var preview = (await Impact.PreviewAsync(SesApiServer.OwnerA, Region, domain, PolicyDraft.Delete("Delegates"), Ct)).Value!;

        Assert.Equal(5, preview.Report.Replayed);
        Assert.Equal(4, preview.Report.NowDenied);
        Assert.Equal(0, preview.Report.NowAllowed);
        var news = Assert.Single(preview.Report.Groups, g => g.FromAddress == $"news@{domain}");
        Assert.Equal(ImpactDirection.NowDenied, news.Direction);
        Assert.Equal(DelegateRoot, news.Sender);
        Assert.Equal(3, news.Count);
        Assert.Equal(["success@simulator.amazonses.com"], news.Examples[0].Recipients);
        Assert.Contains("Implicitly denied", news.Examples[0].Explanation, StringComparison.Ordinal);
        Assert.Equal(1, Assert.Single(preview.Report.Groups, g => g.FromAddress == $"billing@{domain}").Count);
        Assert.DoesNotContain(preview.Report.Groups, g => g.Sender.Contains("111111111111", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Adding_an_allow_flips_the_denied_sends_and_an_unchanged_draft_says_no_change()
    {
        const string domain = "impact-grant.example";
        await VerifiedDomainAsync(domain);
        await PutPolicyAsync(domain, "Other", Grant(domain, "AllowSomeoneElse", "111111111111"));
        Assert.Equal(403, await SendAsync(api.B, $"news@{domain}", domain));
        Assert.Equal(403, await SendAsync(api.B, $"news@{domain}", domain));

        var grant = await Impact.PreviewAsync(SesApiServer.OwnerA, Region, domain, new PolicyDraft(null, "Delegates", Grant(domain)), Ct);
        var same = await Impact.PreviewAsync(SesApiServer.OwnerA, Region, domain,
            new PolicyDraft("Other", "Other", Grant(domain, "AllowSomeoneElse", "111111111111")), Ct);

        var group = Assert.Single(grant.Value!.Report.Groups);
        Assert.Equal(ImpactDirection.NowAllowed, group.Direction);
        Assert.Equal(2, group.Count);
        Assert.Contains("Statement `AllowB` allows the request", group.Examples[0].Explanation, StringComparison.Ordinal);
        Assert.False(same.Value!.Report.HasChanges);
        Assert.Equal(2, same.Value.Report.Replayed);
    }

    [Fact]
    public async Task Owner_B_cannot_preview_or_read_findings_on_As_identity()
    {
        const string domain = "impact-private.example";
        await VerifiedDomainAsync(domain);
        await PutPolicyAsync(domain, "Delegates", Grant(domain));

        var preview = await Impact.PreviewAsync(SesApiServer.OwnerB, Region, domain, PolicyDraft.Delete("Delegates"), Ct);
        var findings = await api.Service<PolicyFindingsService>().ForIdentityAsync(SesApiServer.OwnerB, Region, domain, Ct);
        var all = await api.Service<PolicyFindingsService>().ForCallerAsync(SesApiServer.OwnerB, Ct);

        Assert.False(preview.IsSuccess);
        Assert.Equal("identity.not_found", preview.Error.Code);
        Assert.False(findings.IsSuccess);
        Assert.DoesNotContain(all, f => f.IdentityName == domain);
    }

    [Fact]
    public async Task Findings_on_a_seeded_identity_name_unused_missing_and_unusable_statements()
    {
        const string domain = "impact-findings.example";
        await VerifiedDomainAsync(domain);
        await PutPolicyAsync(domain, "Delegates", Grant(domain));
        Assert.Equal(200, await SendAsync(api.B, $"news@{domain}", domain));
        await using (var db = await api.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            // Saved before account 999999999999 was removed: the validator would refuse it today.
            var identity = await db.SendingIdentities.SingleAsync(i => i.Name == domain, Ct);
            db.IdentityPolicies.Add(new IdentityPolicyEntity
            {
                Id = Guid.NewGuid(), IdentityId = identity.Id, Name = "Stale", UpdatedBy = "owner@example.com", UpdatedAt = DateTimeOffset.UtcNow,
                Document = $$"""
                    {"Version":"2012-10-17","Statement":[
                     {"Sid":"Gone","Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"ses:SendEmail","Resource":"{{Arn(domain)}}",
                      "Condition":{"StringLike":{"ses:FromAddress":"gone@{{domain}}"} } },
                     {"Sid":"Manage","Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"ses:GetEmailIdentity","Resource":"{{Arn(domain)}}",
                      "Condition":{"Bool":{"aws:SecureTransport":"true"} } }]}
                    """,
            });
            await db.SaveChangesAsync(Ct);
        }

        var result = (await api.Service<PolicyFindingsService>().ForIdentityAsync(SesApiServer.OwnerA, Region, domain, Ct)).Value!;
        var all = await api.Service<PolicyFindingsService>().ForCallerAsync(SesApiServer.OwnerA, Ct);

        Assert.Equal(2, result.PolicyCount);
        Assert.Equal(1, result.WindowAttempts);
        Assert.Contains(result.Findings, f => f is { Kind: FindingKind.UnconditionedAllow, Sid: "AllowB", PolicyName: "Delegates" });
        Assert.Contains(result.Findings, f => f is { Kind: FindingKind.MissingPrincipal, Sid: "Gone", Severity: FindingSeverity.Medium });
        Assert.Contains(result.Findings, f => f is { Kind: FindingKind.Unused, Sid: "Gone" });
        Assert.Contains(result.Findings, f => f is { Kind: FindingKind.UnusableAction, Sid: "Manage" });
        Assert.DoesNotContain(result.Findings, f => f is { Kind: FindingKind.Unused, Sid: "AllowB" });
        var gone = result.Findings.First(f => f.Sid == "Gone");
        Assert.Equal($"/identities/{domain}/policies/Stale?region={Region}&statement=Gone", result.EditorHref(gone));
        Assert.Contains(all, f => f.IdentityName == domain && f.Findings.Count == result.Findings.Count);
    }

    [Fact]
    public async Task Attempts_store_a_compact_replay_context()
    {
        const string domain = "impact-stored.example";
        await VerifiedDomainAsync(domain);
        await PutPolicyAsync(domain, "Delegates", Grant(domain));
        Assert.Equal(200, await SendAsync(api.B, $"news@{domain}", domain));

        await using var db = await api.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        var attempt = await db.SendAttempts.AsNoTracking().SingleAsync(a => a.IdentityArn == Arn(domain), Ct);

        Assert.NotNull(attempt.ReplayContext);
        Assert.True(attempt.ReplayContext!.Length <= 16, attempt.ReplayContext);
        var context = StoredRequestContext.Read(attempt.ReplayContext, attempt.At, attempt.FromAddress, attempt.Mail)!;
        Assert.Equal($"news@{domain}", context.FromAddress);
        Assert.Equal(["success@simulator.amazonses.com"], context.Recipients);
    }
}
