using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// Owner A (111111111111) verified a domain and one of its addresses and put a policy on each (through the v2 API);
/// owner B (222222222222) sends through v2 SendEmail naming the domain's ARN or the address's. Sending from the address,
/// the address's policy decides, evaluated against the address's ARN; other addresses are decided by the domain's.
/// </summary>
public sealed class SesApiAddressPolicyPrecedenceTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Arn(string identity) => $"arn:aws:ses:us-east-1:111111111111:identity/{identity}";

    private async Task SetUpAsync(string domain, string domainEffect, string addressEffect)
    {
        var now = DateTimeOffset.UtcNow;
        await using (var db = await api.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            foreach (var (name, type) in new[] { (domain, SendingIdentityType.Domain), ($"sender@{domain}", SendingIdentityType.EmailAddress) })
            {
                db.SendingIdentities.Add(new SendingIdentityEntity
                {
                    Id = Guid.NewGuid(), AccountId = "111111111111", Region = "us-east-1", Type = type, Name = name,
                    VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
                });
            }

            await db.SaveChangesAsync(Ct);
        }

        foreach (var (identity, effect) in new[] { (domain, domainEffect), ($"sender@{domain}", addressEffect) })
        {
            var document = $$"""
                {"Version":"2012-10-17","Statement":[{"Sid":"{{effect}}B","Effect":"{{effect}}","Principal":{"AWS":"222222222222"},
                 "Action":["ses:SendEmail","ses:SendRawEmail"],"Resource":"{{Arn(identity)}}"}]}
                """;
            var put = await api.A.V2Async(HttpMethod.Post, $"/v2/email/identities/{Uri.EscapeDataString(identity)}/policies/p1",
                System.Text.Json.JsonSerializer.Serialize(new { Policy = document }));
            Assert.True(put.Status == 200, put.Body);
        }
    }

    private Task<SesApiResponse> SendAsB(string from, string arn) =>
        api.B.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", $$"""
            {"FromEmailAddress":"{{from}}","FromEmailAddressIdentityArn":"{{arn}}",
             "Destination":{"ToAddresses":["success@simulator.amazonses.com"] },
             "Content":{"Simple":{"Subject":{"Data":"Precedence"},"Body":{"Text":{"Data":"Hello"} } } } }
            """);

    [Theory]
    [InlineData("domain")]
    [InlineData("address")]
    public async Task Address_denies_domain_allows_the_address_is_refused_other_addresses_send(string named)
    {
        var domain = $"addr-denies-{named}.example";
        await SetUpAsync(domain, domainEffect: "Allow", addressEffect: "Deny");

        var arn = named == "domain" ? Arn(domain) : Arn($"sender@{domain}");

        var denied = await SendAsB($"sender@{domain}", arn);
        var other = await SendAsB($"news@{domain}", Arn(domain));

        Assert.Equal(403, denied.Status);
        Assert.Equal("AccessDeniedException", denied.ErrorType);
        Assert.Equal($"User 'arn:aws:iam::222222222222:root' is not authorized to perform 'ses:SendEmail' on resource '{arn}'",
            denied.Json.GetProperty("message").GetString());
        Assert.True(other.Status == 200, other.Body);
    }

    [Theory]
    [InlineData("domain")]
    [InlineData("address")]
    public async Task Domain_denies_address_allows_the_address_sends_other_addresses_are_refused(string named)
    {
        var domain = $"domain-denies-{named}.example";
        await SetUpAsync(domain, domainEffect: "Deny", addressEffect: "Allow");

        var arn = named == "domain" ? Arn(domain) : Arn($"sender@{domain}");

        var allowed = await SendAsB($"sender@{domain}", arn);
        var other = await SendAsB($"news@{domain}", Arn(domain));

        Assert.True(allowed.Status == 200, allowed.Body);
        Assert.Equal(403, other.Status);
        Assert.Equal("AccessDeniedException", other.ErrorType);
    }
}
