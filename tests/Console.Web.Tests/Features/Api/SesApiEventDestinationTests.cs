using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// Configuration-set event destinations through both SES APIs over real Kestrel and SigV4 (create, list, update, delete
/// with SES's errors and limits; v1 and v2 share the sets; another account's sets are invisible), and an identity's
/// default configuration set: it is recorded on the owner's own sends that name none, never on a delegate's.
/// </summary>
public sealed class SesApiEventDestinationTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    private const string OwnerDomain = "ed-brand.example";
    private const string OwnerArn = "arn:aws:ses:us-east-1:111111111111:identity/" + OwnerDomain;
    private const string TopicA = "arn:aws:sns:us-east-1:111111111111:bounces";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string[] Strings(params string[] values) => values;

    private static string Destinations(string set) => $"/v2/email/configuration-sets/{set}/event-destinations";

    private static string Definition(string? name, object destination) => JsonSerializer.Serialize(new { EventDestinationName = name, EventDestination = destination });

    private static async Task CreateSetAsync(SesApiTestClient client, string name) =>
        Assert.Equal(200, (await client.V2Async(HttpMethod.Post, "/v2/email/configuration-sets", $$"""{"ConfigurationSetName":"{{name}}"}""")).Status);

    [Fact]
    public async Task V2_CreateListUpdateDelete_SnsAndEventLog()
    {
        await CreateSetAsync(api.A, "ed-v2");

        var sns = await api.A.V2Async(HttpMethod.Post, Destinations("ed-v2"), Definition("to-sns",
            new { Enabled = true, MatchingEventTypes = Strings("BOUNCE", "COMPLAINT", "RENDERING_FAILURE"), SnsDestination = new { TopicArn = TopicA } }));
        var log = await api.A.V2Async(HttpMethod.Post, Destinations("ed-v2"), Definition("a-log",
            new { MatchingEventTypes = Strings("SEND", "DELIVERY_DELAY") }));
        var duplicate = await api.A.V2Async(HttpMethod.Post, Destinations("ed-v2"), Definition("to-sns",
            new { Enabled = true, MatchingEventTypes = Strings("SEND") }));
        var listed = await api.A.V2Async(HttpMethod.Get, Destinations("ed-v2"));

        Assert.Equal((200, "{}"), (sns.Status, sns.Body));
        Assert.Equal(200, log.Status);
        Assert.Equal((400, "AlreadyExistsException"), (duplicate.Status, duplicate.ErrorType));
        Assert.Equal("Event destination to-sns already exists in configuration set ed-v2.", duplicate.Json.GetProperty("message").GetString());
        var items = listed.Json.GetProperty("EventDestinations").EnumerateArray().ToList();
        Assert.Equal(["a-log", "to-sns"], items.Select(i => i.GetProperty("Name").GetString()));
        Assert.False(items[0].GetProperty("Enabled").GetBoolean()); // SES's default when Enabled is not given
        Assert.Equal(["SEND", "DELIVERY_DELAY"], items[0].GetProperty("MatchingEventTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.False(items[0].TryGetProperty("SnsDestination", out _));
        Assert.Equal(JsonValueKind.Object, items[0].GetProperty("EventLogDestination").ValueKind);
        Assert.True(items[1].GetProperty("Enabled").GetBoolean());
        Assert.Equal(["BOUNCE", "COMPLAINT", "RENDERING_FAILURE"], items[1].GetProperty("MatchingEventTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(TopicA, items[1].GetProperty("SnsDestination").GetProperty("TopicArn").GetString());

        var updated = await api.A.V2Async(HttpMethod.Put, Destinations("ed-v2") + "/to-sns", JsonSerializer.Serialize(new
        {
            EventDestination = new { Enabled = false, MatchingEventTypes = Strings("DELIVERY"), SnsDestination = new { TopicArn = "arn:aws:sns:us-east-1:111111111111:deliveries" } },
        }));
        var updateMissing = await api.A.V2Async(HttpMethod.Put, Destinations("ed-v2") + "/nope", """{"EventDestination":{"MatchingEventTypes":["SEND"]}}""");
        var after = (await api.A.V2Async(HttpMethod.Get, Destinations("ed-v2"))).Json.GetProperty("EventDestinations")[1];

        Assert.Equal(200, updated.Status);
        Assert.Equal((404, "NotFoundException"), (updateMissing.Status, updateMissing.ErrorType));
        Assert.Equal("Event destination nope does not exist in configuration set ed-v2.", updateMissing.Json.GetProperty("message").GetString());
        Assert.False(after.GetProperty("Enabled").GetBoolean());
        Assert.Equal(["DELIVERY"], after.GetProperty("MatchingEventTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("arn:aws:sns:us-east-1:111111111111:deliveries", after.GetProperty("SnsDestination").GetProperty("TopicArn").GetString());

        var deleted = await api.A.V2Async(HttpMethod.Delete, Destinations("ed-v2") + "/to-sns");
        var deletedAgain = await api.A.V2Async(HttpMethod.Delete, Destinations("ed-v2") + "/to-sns");
        Assert.Equal(200, deleted.Status);
        Assert.Equal((404, "NotFoundException"), (deletedAgain.Status, deletedAgain.ErrorType));
        Assert.Equal(["a-log"], (await api.A.V2Async(HttpMethod.Get, Destinations("ed-v2"))).Json.GetProperty("EventDestinations").EnumerateArray().Select(i => i.GetProperty("Name").GetString()));
    }

    [Theory]
    [InlineData("""{"EventDestinationName":"bad name","EventDestination":{"MatchingEventTypes":["SEND"]}}""", "Event destination name 'bad name' is invalid")]
    [InlineData("""{"EventDestinationName":"","EventDestination":{"MatchingEventTypes":["SEND"]}}""", "EventDestinationName is required.")]
    [InlineData("""{"EventDestinationName":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","EventDestination":{"MatchingEventTypes":["SEND"]}}""", "is invalid")]
    [InlineData("""{"EventDestinationName":"d","EventDestination":{"MatchingEventTypes":["send"]}}""", "Invalid event type 'send'")]
    [InlineData("""{"EventDestinationName":"d","EventDestination":{"MatchingEventTypes":[]}}""", "MatchingEventTypes must name at least one event type.")]
    [InlineData("""{"EventDestinationName":"d"}""", "EventDestination is required.")]
    [InlineData("""{"EventDestinationName":"d","EventDestination":{"MatchingEventTypes":["SEND"],"CloudWatchDestination":{"DimensionConfigurations":[]}}}""", "CloudWatch event destinations are not available")]
    [InlineData("""{"EventDestinationName":"d","EventDestination":{"MatchingEventTypes":["SEND"],"KinesisFirehoseDestination":{}}}""", "Kinesis Data Firehose event destinations are not available")]
    [InlineData("""{"EventDestinationName":"d","EventDestination":{"MatchingEventTypes":["SEND"],"EventBridgeDestination":{}}}""", "EventBridge event destinations are not available")]
    [InlineData("""{"EventDestinationName":"d","EventDestination":{"MatchingEventTypes":["SEND"],"PinpointDestination":{}}}""", "Pinpoint event destinations are not available")]
    [InlineData("""{"EventDestinationName":"d","EventDestination":{"MatchingEventTypes":["SEND"],"SnsDestination":{"TopicArn":"arn:aws:sns:eu-west-1:111111111111:t"}}}""", "is in eu-west-1")]
    [InlineData("""{"EventDestinationName":"d","EventDestination":{"MatchingEventTypes":["SEND"],"SnsDestination":{"TopicArn":"arn:aws:sqs:us-east-1:111111111111:t"}}}""", "Invalid SNS topic ARN")]
    [InlineData("""{"EventDestinationName":"d","EventDestination":{"MatchingEventTypes":["SEND"],"SnsDestination":{"TopicArn":"arn:aws:sns:us-east-1:111111111111:t.fifo"}}}""", "FIFO topics are not supported")]
    [InlineData("""{"EventDestinationName":"d","EventDestination":{"MatchingEventTypes":["SEND"],"SnsDestination":{}}}""", "Invalid SNS topic ARN")]
    public async Task V2_Create_BadInput_BadRequestAndNothingCreated(string body, string message)
    {
        await CreateSetAsync(api.B, "ed-bad-" + Math.Abs(body.GetHashCode(StringComparison.Ordinal)));
        var set = "ed-bad-" + Math.Abs(body.GetHashCode(StringComparison.Ordinal));

        var response = await api.B.V2Async(HttpMethod.Post, Destinations(set), body);

        Assert.Equal((400, "BadRequestException"), (response.Status, response.ErrorType));
        Assert.Contains(message, response.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await api.B.V2Async(HttpMethod.Get, Destinations(set))).Json.GetProperty("EventDestinations").GetArrayLength());
    }

    [Fact]
    public async Task Limit_TenDestinationsPerSet_TheEleventhIsLimitExceededInBothApis()
    {
        await CreateSetAsync(api.A, "ed-limit");
        for (var i = 0; i < 10; i++)
        {
            var ok = await api.A.V2Async(HttpMethod.Post, Destinations("ed-limit"), Definition($"d{i}", new { MatchingEventTypes = Strings("SEND") }));
            Assert.Equal(200, ok.Status);
        }

        var v2 = await api.A.V2Async(HttpMethod.Post, Destinations("ed-limit"), Definition("d10", new { MatchingEventTypes = Strings("SEND") }));
        var v1 = await api.A.V1Async(("Action", "CreateConfigurationSetEventDestination"), ("ConfigurationSetName", "ed-limit"),
            ("EventDestination.Name", "d10"), ("EventDestination.MatchingEventTypes.member.1", "send"));

        Assert.Equal((400, "LimitExceededException"), (v2.Status, v2.ErrorType));
        Assert.Equal("Configuration set ed-limit already has 10 event destinations, the most SES allows.", v2.Json.GetProperty("message").GetString());
        Assert.Equal((400, "LimitExceeded"), (v1.Status, v1.V1Code));
        Assert.Equal(10, (await api.A.V2Async(HttpMethod.Get, Destinations("ed-limit"))).Json.GetProperty("EventDestinations").GetArrayLength());
    }

    [Fact]
    public async Task V1_CreateDescribeUpdateDelete_SharedWithV2_WithSesErrors()
    {
        var createdSet = await api.A.V1Async(("Action", "CreateConfigurationSet"), ("ConfigurationSet.Name", "ed-v1"));
        var created = await api.A.V1Async(("Action", "CreateConfigurationSetEventDestination"), ("ConfigurationSetName", "ed-v1"),
            ("EventDestination.Name", "v1-sns"), ("EventDestination.Enabled", "true"),
            ("EventDestination.MatchingEventTypes.member.1", "bounce"), ("EventDestination.MatchingEventTypes.member.2", "renderingFailure"),
            ("EventDestination.SNSDestination.TopicARN", TopicA));
        var viaV2 = await api.A.V2Async(HttpMethod.Post, Destinations("ed-v1"), Definition("v2-log", new { Enabled = true, MatchingEventTypes = Strings("SEND", "SUBSCRIPTION") }));
        var duplicate = await api.A.V1Async(("Action", "CreateConfigurationSetEventDestination"), ("ConfigurationSetName", "ed-v1"),
            ("EventDestination.Name", "v2-log"), ("EventDestination.MatchingEventTypes.member.1", "send"));
        var badSns = await api.A.V1Async(("Action", "CreateConfigurationSetEventDestination"), ("ConfigurationSetName", "ed-v1"),
            ("EventDestination.Name", "x"), ("EventDestination.MatchingEventTypes.member.1", "send"), ("EventDestination.SNSDestination.TopicARN", "not-an-arn"));
        var cloudWatch = await api.A.V1Async(("Action", "CreateConfigurationSetEventDestination"), ("ConfigurationSetName", "ed-v1"),
            ("EventDestination.Name", "x"), ("EventDestination.MatchingEventTypes.member.1", "send"),
            ("EventDestination.CloudWatchDestination.DimensionConfigurations.member.1.DimensionName", "n"));
        var firehose = await api.A.V1Async(("Action", "CreateConfigurationSetEventDestination"), ("ConfigurationSetName", "ed-v1"),
            ("EventDestination.Name", "x"), ("EventDestination.MatchingEventTypes.member.1", "send"),
            ("EventDestination.KinesisFirehoseDestination.IAMRoleARN", "arn:aws:iam::111111111111:role/r"));
        var noSet = await api.A.V1Async(("Action", "CreateConfigurationSetEventDestination"), ("ConfigurationSetName", "ed-none"),
            ("EventDestination.Name", "x"), ("EventDestination.MatchingEventTypes.member.1", "send"));
        var v2Type = await api.A.V1Async(("Action", "CreateConfigurationSetEventDestination"), ("ConfigurationSetName", "ed-v1"),
            ("EventDestination.Name", "x"), ("EventDestination.MatchingEventTypes.member.1", "DELIVERY_DELAY"));

        Assert.Equal(200, createdSet.Status);
        Assert.Equal(200, created.Status);
        Assert.Equal(200, viaV2.Status);
        Assert.Equal((400, "EventDestinationAlreadyExists"), (duplicate.Status, duplicate.V1Code));
        Assert.Equal((400, "InvalidSNSDestination"), (badSns.Status, badSns.V1Code));
        Assert.Equal((400, "InvalidCloudWatchDestination"), (cloudWatch.Status, cloudWatch.V1Code));
        Assert.Equal((400, "InvalidFirehoseDestination"), (firehose.Status, firehose.V1Code));
        Assert.Equal((400, "ConfigurationSetDoesNotExist"), (noSet.Status, noSet.V1Code));
        Assert.Equal((400, "InvalidParameterValue"), (v2Type.Status, v2Type.V1Code));

        var described = await api.A.V1Async(("Action", "DescribeConfigurationSet"), ("ConfigurationSetName", "ed-v1"),
            ("ConfigurationSetAttributeNames.member.1", "eventDestinations"));
        var plain = await api.A.V1Async(("Action", "DescribeConfigurationSet"), ("ConfigurationSetName", "ed-v1"));
        var members = described.Xml.Descendants(SesApiTestClient.Ns + "EventDestinations").Single().Elements(SesApiTestClient.Ns + "member").ToList();

        Assert.Equal(["v1-sns", "v2-log"], members.Select(m => m.Element(SesApiTestClient.Ns + "Name")!.Value));
        Assert.Equal("true", members[0].Element(SesApiTestClient.Ns + "Enabled")!.Value);
        Assert.Equal(["bounce", "renderingFailure"], members[0].Element(SesApiTestClient.Ns + "MatchingEventTypes")!.Elements().Select(e => e.Value));
        Assert.Equal(TopicA, members[0].Descendants(SesApiTestClient.Ns + "TopicARN").Single().Value);
        Assert.Equal(["send"], members[1].Element(SesApiTestClient.Ns + "MatchingEventTypes")!.Elements().Select(e => e.Value)); // v1 has no SUBSCRIPTION
        Assert.Empty(members[1].Descendants(SesApiTestClient.Ns + "SNSDestination"));
        Assert.Empty(plain.Xml.Descendants(SesApiTestClient.Ns + "EventDestinations"));

        var updated = await api.A.V1Async(("Action", "UpdateConfigurationSetEventDestination"), ("ConfigurationSetName", "ed-v1"),
            ("EventDestination.Name", "v1-sns"), ("EventDestination.Enabled", "false"), ("EventDestination.MatchingEventTypes.member.1", "complaint"),
            ("EventDestination.SNSDestination.TopicARN", TopicA));
        var updateMissing = await api.A.V1Async(("Action", "UpdateConfigurationSetEventDestination"), ("ConfigurationSetName", "ed-v1"),
            ("EventDestination.Name", "nope"), ("EventDestination.MatchingEventTypes.member.1", "send"));
        var v2View = (await api.A.V2Async(HttpMethod.Get, Destinations("ed-v1"))).Json.GetProperty("EventDestinations")[0];

        Assert.Equal(200, updated.Status);
        Assert.Equal((400, "EventDestinationDoesNotExist"), (updateMissing.Status, updateMissing.V1Code));
        Assert.False(v2View.GetProperty("Enabled").GetBoolean());
        Assert.Equal(["COMPLAINT"], v2View.GetProperty("MatchingEventTypes").EnumerateArray().Select(e => e.GetString()));

        var deleted = await api.A.V1Async(("Action", "DeleteConfigurationSetEventDestination"), ("ConfigurationSetName", "ed-v1"), ("EventDestinationName", "v1-sns"));
        var deleteMissing = await api.A.V1Async(("Action", "DeleteConfigurationSetEventDestination"), ("ConfigurationSetName", "ed-v1"), ("EventDestinationName", "v1-sns"));
        Assert.Equal(200, deleted.Status);
        Assert.Equal((400, "EventDestinationDoesNotExist"), (deleteMissing.Status, deleteMissing.V1Code));
    }

    [Fact]
    public async Task AnotherAccountsSet_IsInvisible_ItsDestinationsUntouchable()
    {
        await CreateSetAsync(api.A, "ed-private");
        await api.A.V2Async(HttpMethod.Post, Destinations("ed-private"), Definition("mine", new { MatchingEventTypes = Strings("SEND") }));

        var list = await api.B.V2Async(HttpMethod.Get, Destinations("ed-private"));
        var create = await api.B.V2Async(HttpMethod.Post, Destinations("ed-private"), Definition("theirs", new { MatchingEventTypes = Strings("SEND") }));
        var update = await api.B.V2Async(HttpMethod.Put, Destinations("ed-private") + "/mine", """{"EventDestination":{"MatchingEventTypes":["BOUNCE"]}}""");
        var delete = await api.B.V2Async(HttpMethod.Delete, Destinations("ed-private") + "/mine");
        var v1Describe = await api.B.V1Async(("Action", "DescribeConfigurationSet"), ("ConfigurationSetName", "ed-private"), ("ConfigurationSetAttributeNames.member.1", "eventDestinations"));
        var v1Delete = await api.B.V1Async(("Action", "DeleteConfigurationSetEventDestination"), ("ConfigurationSetName", "ed-private"), ("EventDestinationName", "mine"));

        Assert.All([list, create, update, delete], r => Assert.Equal((404, "NotFoundException"), (r.Status, r.ErrorType)));
        Assert.Equal("Configuration set ed-private does not exist.", list.Json.GetProperty("message").GetString());
        Assert.Equal("ConfigurationSetDoesNotExist", v1Describe.V1Code);
        Assert.Equal("ConfigurationSetDoesNotExist", v1Delete.V1Code);
        var mine = (await api.A.V2Async(HttpMethod.Get, Destinations("ed-private"))).Json.GetProperty("EventDestinations");
        Assert.Equal(["SEND"], Assert.Single(mine.EnumerateArray()).GetProperty("MatchingEventTypes").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task DeleteSet_DeletesItsDestinations_ARecreatedSetStartsEmpty()
    {
        await CreateSetAsync(api.A, "ed-cascade");
        await api.A.V2Async(HttpMethod.Post, Destinations("ed-cascade"), Definition("one", new { MatchingEventTypes = Strings("SEND") }));
        await api.A.V2Async(HttpMethod.Post, Destinations("ed-cascade"), Definition("two", new { MatchingEventTypes = Strings("BOUNCE") }));

        Assert.Equal(200, (await api.A.V2Async(HttpMethod.Delete, "/v2/email/configuration-sets/ed-cascade")).Status);
        var gone = await api.A.V2Async(HttpMethod.Get, Destinations("ed-cascade"));
        await CreateSetAsync(api.A, "ed-cascade");
        var recreated = await api.A.V2Async(HttpMethod.Get, Destinations("ed-cascade"));

        Assert.Equal((404, "NotFoundException"), (gone.Status, gone.ErrorType));
        Assert.Equal(0, recreated.Json.GetProperty("EventDestinations").GetArrayLength());
        await using var db = await api.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal(0, await db.ConfigurationSetEventDestinations.CountAsync(d => d.Name == "one" || d.Name == "two", Ct));
    }

    [Fact]
    public async Task DefaultSet_OwnersOwnSendRecordsIt_DelegatesSendDoesNot_GetEmailIdentityShowsIt()
    {
        await EnsureOwnerDomainAsync();
        await CreateSetAsync(api.A, "ed-default");
        await CreateSetAsync(api.B, "ed-default"); // the same name in the delegate's account does not make the owner's default apply

        var put = await api.A.V2Async(HttpMethod.Put, $"/v2/email/identities/{OwnerDomain}/configuration-set", """{"ConfigurationSetName":"ed-default"}""");
        var putUnknownSet = await api.A.V2Async(HttpMethod.Put, $"/v2/email/identities/{OwnerDomain}/configuration-set", """{"ConfigurationSetName":"ed-nope"}""");
        var putByB = await api.B.V2Async(HttpMethod.Put, $"/v2/email/identities/{OwnerDomain}/configuration-set", """{"ConfigurationSetName":"ed-default"}""");
        var got = await api.A.V2Async(HttpMethod.Get, $"/v2/email/identities/{OwnerDomain}");

        Assert.Equal(200, put.Status);
        Assert.Equal((404, "NotFoundException"), (putUnknownSet.Status, putUnknownSet.ErrorType));
        Assert.Equal((404, "NotFoundException"), (putByB.Status, putByB.ErrorType));
        Assert.Equal("ed-default", got.Json.GetProperty("ConfigurationSetName").GetString());

        var ownerSend = await SendAsync(api.A, null, null);
        var ownerNamed = await SendAsync(api.A, null, "ed-named");
        var delegateSend = await SendAsync(api.B, OwnerArn, null);

        Assert.Equal("ed-default", await OutboxSetAsync(ownerSend));
        Assert.Null(await OutboxSetAsync(delegateSend));
        Assert.Equal((404, "NotFoundException"), (ownerNamed.Status, ownerNamed.ErrorType)); // a named unknown set is still refused

        var cleared = await api.A.V2Async(HttpMethod.Put, $"/v2/email/identities/{OwnerDomain}/configuration-set", "{}");
        var afterClear = await SendAsync(api.A, null, null);

        Assert.Equal(200, cleared.Status);
        Assert.Equal(JsonValueKind.Null, (await api.A.V2Async(HttpMethod.Get, $"/v2/email/identities/{OwnerDomain}")).Json.GetProperty("ConfigurationSetName").ValueKind);
        Assert.Null(await OutboxSetAsync(afterClear));

        await api.A.V2Async(HttpMethod.Put, $"/v2/email/identities/{OwnerDomain}/configuration-set", """{"ConfigurationSetName":"ed-default"}""");
        await api.A.V2Async(HttpMethod.Delete, "/v2/email/configuration-sets/ed-default");
        var afterDelete = await SendAsync(api.A, null, null);

        Assert.Equal(200, afterDelete.Status);
        Assert.Null(await OutboxSetAsync(afterDelete));
        Assert.Equal(JsonValueKind.Null, (await api.A.V2Async(HttpMethod.Get, $"/v2/email/identities/{OwnerDomain}")).Json.GetProperty("ConfigurationSetName").ValueKind);
    }

    private static Task<SesApiResponse> SendAsync(SesApiTestClient client, string? fromArn, string? set) =>
        client.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", JsonSerializer.Serialize(new
        {
            FromEmailAddress = "news@" + OwnerDomain,
            FromEmailAddressIdentityArn = fromArn,
            Destination = new { ToAddresses = Strings("reader@ed-readers.example") },
            Content = new { Simple = new { Subject = new { Data = "s" }, Body = new { Text = new { Data = "b" } } } },
            ConfigurationSetName = set,
        }));

    private async Task<string?> OutboxSetAsync(SesApiResponse send)
    {
        Assert.True(send.Status == 200, send.Body);
        var id = send.Json.GetProperty("MessageId").GetString();
        await using var db = await api.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        return (await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.MessageId == id, Ct)).ConfigurationSetName;
    }

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
}
