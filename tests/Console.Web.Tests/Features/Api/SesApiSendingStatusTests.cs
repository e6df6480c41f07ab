using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// What the API says about sending matches what sending does, in every verification state: v2 GetEmailIdentity
/// (<c>VerifiedForSendingStatus</c>, <c>VerificationStatus</c>), v2 ListEmailIdentities (<c>SendingEnabled</c>) and v1
/// GetIdentityVerificationAttributes (<c>VerificationStatus</c>), checked against a real v2 SendEmail from the identity,
/// all over SigV4 on a real Kestrel port. The state is written through the data layer.
/// </summary>
public sealed class SesApiSendingStatusTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task SeedDomainAsync(string domain, VerificationStatus status, TimeSpan age)
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = await api.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        db.SendingIdentities.Add(new SendingIdentityEntity
        {
            Id = Guid.NewGuid(), AccountId = "111111111111", Region = "us-east-1", Type = SendingIdentityType.Domain, Name = domain,
            VerificationStatus = status, VerificationStatusSince = now - age, VerificationToken = "token-" + domain,
            VerifiedAt = status is VerificationStatus.Success or VerificationStatus.TemporaryFailure ? now - age - TimeSpan.FromDays(1) : null,
            CreatedAt = now - age - TimeSpan.FromDays(2),
        });
        await db.SaveChangesAsync(Ct);
    }

    [Theory]
    [InlineData("pending", VerificationStatus.Pending, 1, "PENDING", "Pending", false)]
    [InlineData("success", VerificationStatus.Success, 1, "SUCCESS", "Success", true)]
    [InlineData("tempfail-inside", VerificationStatus.TemporaryFailure, 1, "TEMPORARY_FAILURE", "TemporaryFailure", true)]
    [InlineData("tempfail-past", VerificationStatus.TemporaryFailure, 73, "FAILED", "Failed", false)]
    [InlineData("failed", VerificationStatus.Failed, 1, "FAILED", "Failed", false)]
    public async Task Reported_sending_status_matches_a_real_send(string state, VerificationStatus stored, int hoursAgo, string v2Status, string v1Status, bool canSend)
    {
        var domain = $"{state}.status.example";
        await SeedDomainAsync(domain, stored, TimeSpan.FromHours(hoursAgo));

        var got = await api.A.V2Async(HttpMethod.Get, $"/v2/email/identities/{Uri.EscapeDataString(domain)}");
        var listed = await api.A.V2Async(HttpMethod.Post, "/v2/email/list-identities", """{"PageSize":1000}""");
        var v1 = await api.A.V1Async(("Action", "GetIdentityVerificationAttributes"), ("Identities.member.1", domain));
        var send = await api.A.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", $$"""
            {"FromEmailAddress":"news@{{domain}}","Destination":{"ToAddresses":["success@simulator.amazonses.com"] },
             "Content":{"Simple":{"Subject":{"Data":"State {{state}}"},"Body":{"Text":{"Data":"Hello"} } } } }
            """);

        Assert.Equal(200, got.Status);
        Assert.Equal(v2Status, got.Json.GetProperty("VerificationStatus").GetString());
        Assert.Equal(canSend, got.Json.GetProperty("VerifiedForSendingStatus").GetBoolean());
        var entry = listed.Json.GetProperty("EmailIdentities").EnumerateArray().Single(e => e.GetProperty("IdentityName").GetString() == domain);
        Assert.Equal(canSend, entry.GetProperty("SendingEnabled").GetBoolean());
        Assert.Equal(v2Status, entry.GetProperty("VerificationStatus").GetString());
        Assert.Equal(200, v1.Status);
        Assert.Equal(v1Status, v1.Xml.Descendants(SesApiTestClient.Ns + "VerificationStatus").Single().Value);

        // The send agrees with what was reported.
        if (canSend)
        {
            Assert.True(send.Status == 200, send.Body);
            Assert.False(string.IsNullOrEmpty(send.Json.GetProperty("MessageId").GetString()));
        }
        else
        {
            Assert.Equal(400, send.Status);
            Assert.Equal("MessageRejected", send.ErrorType);
            Assert.Contains($"news@{domain}", send.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }
}
