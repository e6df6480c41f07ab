using System.Globalization;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>Contract tests of list paging (v1 ListIdentities, v2 ListEmailIdentities) and v1 GetSendStatistics.</summary>
public sealed class SesApiListAndStatisticsTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    private static readonly string[] DataPointFields = ["DeliveryAttempts", "Bounces", "Complaints", "Rejects"];

    private static readonly string[] Paged = [.. Enumerable.Range(1, 7).Select(n => $"page{n}@paging.example")];

    private async Task CreatePagedIdentitiesAsync()
    {
        var identities = api.Service<IdentitiesService>();
        foreach (var address in Paged)
        {
            await identities.CreateEmailAsync(SesApiServer.OwnerA, "us-east-1", address, new Uri(api.Server.BaseUrl + "/"), TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task ListIdentities_MaxItems3_PagesThroughAllSevenWithNextToken()
    {
        await CreatePagedIdentitiesAsync();
        var seen = new List<string>();
        var pages = 0;
        string? token = null;
        do
        {
            var fields = new List<(string, string)> { ("Action", "ListIdentities"), ("IdentityType", "EmailAddress"), ("MaxItems", "3") };
            if (token is not null)
            {
                fields.Add(("NextToken", token));
            }

            var response = await api.A.V1Async([.. fields]);
            Assert.Equal(200, response.Status);
            var members = response.Xml.Descendants(SesApiTestClient.Ns + "member").Select(m => m.Value).ToList();
            Assert.InRange(members.Count, 1, 3);
            seen.AddRange(members);
            token = response.Xml.Descendants(SesApiTestClient.Ns + "NextToken").SingleOrDefault()?.Value;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(Paged.Order(StringComparer.Ordinal), seen.Where(s => s.EndsWith("@paging.example", StringComparison.Ordinal)));
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task ListEmailIdentities_PageSize3_PagesThroughAllSeven(string method)
    {
        await CreatePagedIdentitiesAsync();
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var response = method == "GET"
                ? await api.A.V2Async(HttpMethod.Get, "/v2/email/identities?PageSize=3" + (token is null ? "" : "&NextToken=" + Uri.EscapeDataString(token)))
                : await api.A.V2Async(HttpMethod.Post, "/v2/email/list-identities", token is null ? """{"PageSize":3}""" : $$"""{"PageSize":3,"NextToken":"{{token}}"}""");
            Assert.Equal(200, response.Status);
            var names = response.Json.GetProperty("EmailIdentities").EnumerateArray().Select(i => i.GetProperty("IdentityName").GetString()!).ToList();
            Assert.InRange(names.Count, 1, 3);
            seen.AddRange(names);
            token = response.Json.TryGetProperty("NextToken", out var next) && next.ValueKind == System.Text.Json.JsonValueKind.String ? next.GetString() : null;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(Paged.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task ListIdentities_BadPagingInput_InvalidParameterValueAndBadRequest()
    {
        var zero = await api.A.V1Async(("Action", "ListIdentities"), ("MaxItems", "0"));
        var tooMany = await api.A.V2Async(HttpMethod.Get, "/v2/email/identities?PageSize=1001");
        var badToken = await api.A.V2Async(HttpMethod.Post, "/v2/email/list-identities", """{"NextToken":"%%%"}""");
        var badType = await api.A.V1Async(("Action", "ListIdentities"), ("IdentityType", "Phone"));

        Assert.Equal((400, "InvalidParameterValue"), (zero.Status, zero.V1Code));
        Assert.Equal((400, "BadRequestException"), (tooMany.Status, tooMany.ErrorType));
        Assert.Equal((400, "BadRequestException"), (badToken.Status, badToken.ErrorType));
        Assert.Equal((400, "InvalidParameterValue"), (badType.Status, badType.V1Code));
    }

    [Fact]
    public async Task GetSendStatistics_Counts15MinuteIntervalsOfTheCallersAccountOverTwoWeeks()
    {
        var now = TimeProvider.System.GetUtcNow();
        var recent = Floor(now - TimeSpan.FromHours(1)) + TimeSpan.FromMinutes(1);
        var older = Floor(now - TimeSpan.FromDays(3)) + TimeSpan.FromMinutes(7);
        await using (var db = await api.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            db.SendAttempts.AddRange(
                Attempt("111111111111", recent, 2, accepted: true),
                Attempt("111111111111", recent, 3, accepted: true),
                Attempt("111111111111", recent, 9, accepted: false),
                Attempt("111111111111", older, 1, accepted: true),
                Attempt("111111111111", now - TimeSpan.FromDays(15), 4, accepted: true),
                Attempt("222222222222", recent, 5, accepted: true));
            db.SendEvents.AddRange(
                Event("111111111111", recent, "Bounce", "one@customer.example", "{}"),
                Event("111111111111", recent, "Bounce", null, """{"bounce":{"bouncedRecipients":[{"emailAddress":"a@x.example"},{"emailAddress":"b@x.example"}]}}"""),
                Event("111111111111", recent, "Complaint", "c@x.example", "{}"),
                Event("111111111111", older, "Reject", "d@x.example", "{}"),
                Event("111111111111", recent, "Delivery", "e@x.example", "{}"),
                Event("222222222222", recent, "Bounce", "f@x.example", "{}"));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var response = await api.A.V1Async(("Action", "GetSendStatistics"));

        Assert.Equal(200, response.Status);
        var points = response.Xml.Descendants(SesApiTestClient.Ns + "member").Select(m => new
        {
            Timestamp = DateTimeOffset.Parse(m.Element(SesApiTestClient.Ns + "Timestamp")!.Value, CultureInfo.InvariantCulture),
            Values = string.Join(',', DataPointFields.Select(n => m.Element(SesApiTestClient.Ns + n)!.Value)),
        }).ToList();
        Assert.Equal(2, points.Count);
        Assert.Equal((Floor(older), "1,0,0,1"), (points[0].Timestamp, points[0].Values));
        Assert.Equal((Floor(recent), "5,3,1,0"), (points[1].Timestamp, points[1].Values));
    }

    private static DateTimeOffset Floor(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.FromMinutes(15).Ticks), TimeSpan.Zero);

    private static SendAttemptEntity Attempt(string account, DateTimeOffset at, int recipients, bool accepted) => new()
    {
        Id = Guid.NewGuid(), AccountId = account, CallerArn = $"arn:aws:iam::{account}:root", Api = "SendEmail (v2)", Accepted = accepted,
        RecipientCount = recipients, At = at,
    };

    private static SendEventEntity Event(string account, DateTimeOffset at, string type, string? recipient, string json) => new()
    {
        Id = Guid.NewGuid(), MessageId = Guid.NewGuid().ToString(), AccountId = account, SourceArn = "arn:aws:ses:us-east-1:111111111111:identity/x.example",
        Type = type, Recipient = recipient, Json = json, At = at,
    };
}
