using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Tests.Features.Policies;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Audit;

/// <summary>GET /audit/export over real HTTP: the page's scope (docs/audit-log.md#export).</summary>
public sealed class AuditExportTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Export_gives_each_caller_only_what_the_page_shows()
    {
        await using (var db = app.Db())
        {
            var identity = new SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = "111111111111", Region = "us-east-1", Name = "audit-export.example", Type = SendingIdentityType.Domain,
                VerificationStatus = VerificationStatus.Success, VerificationStatusSince = DateTimeOffset.UtcNow, CreatedAt = DateTimeOffset.UtcNow,
            };
            db.SendingIdentities.Add(identity);
            await db.SaveChangesAsync(Ct);
            (await app.Get<IdentityPoliciesService>().CreateAsync(app.OwnerA, "us-east-1", identity.Name, "Export", PoliciesFixture.Policy(identity.Arn), Ct)).GetValueOrThrow();
        }

        using var ownerA = await app.Factory.SignInAsync("owner@example.com");
        using var ownerB = await app.Factory.SignInAsync("delegate@example.com");
        using var anonymous = app.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var a = await ownerA.GetAsync("/audit/export?format=json&target=audit-export.example", Ct);
        var aCsv = await ownerA.GetStringAsync("/audit/export?format=csv&kind=policy.put", Ct);
        var b = await ownerB.GetAsync("/audit/export?format=json&account=111111111111", Ct);
        var none = await anonymous.GetAsync("/audit/export?format=json", Ct);

        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal("application/json", a.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment", a.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var rows = JsonDocument.Parse(await a.Content.ReadAsStringAsync(Ct)).RootElement.EnumerateArray().ToList();
        var row = Assert.Single(rows);
        Assert.Equal(AuditKinds.PolicyPut, row.GetProperty("Kind").GetString());
        Assert.Contains("audit-export.example", aCsv, StringComparison.Ordinal);
        Assert.StartsWith("At,AccountId,", aCsv, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        var bRows = JsonDocument.Parse(await b.Content.ReadAsStringAsync(Ct)).RootElement.EnumerateArray().ToList();
        Assert.All(bRows, r => Assert.Equal("222222222222", r.GetProperty("AccountId").GetString()));
        Assert.DoesNotContain("audit-export.example", await b.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, none.StatusCode);
        Assert.Contains("/Account/Login", none.Headers.Location?.ToString(), StringComparison.Ordinal);
    }
}
