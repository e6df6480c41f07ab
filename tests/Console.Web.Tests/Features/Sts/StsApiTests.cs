using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Tests.Shared;
using static SesConsole.Web.Tests.Features.Sts.StsWorld;

namespace SesConsole.Web.Tests.Features.Sts;

/// <summary>The STS Query API through the real app on Kestrel, signed as the SDKs sign (docs/sts.md).</summary>
public sealed class StsApiTests(StsServer sts) : IClassFixture<StsServer>
{
    private static readonly string[] SendTo = ["reader@customer.example"];

    private static (string Name, string Value)[] Assume(string roleArn, string session = "test-session", string? duration = null) =>
        duration is null ? [("RoleArn", roleArn), ("RoleSessionName", session)] : [("RoleArn", roleArn), ("RoleSessionName", session), ("DurationSeconds", duration)];

    private static string SendBody(string from = From, string fromArn = FromArn) => JsonSerializer.Serialize(new
    {
        FromEmailAddress = from,
        FromEmailAddressIdentityArn = fromArn,
        Destination = new { ToAddresses = SendTo },
        Content = new { Simple = new { Subject = new { Data = "hi" }, Body = new { Text = new { Data = "body" } } } },
    });

    [Fact]
    public async Task AssumeRole_trust_policy_naming_the_user_returns_session_credentials()
    {
        using var alice = sts.Client("alice");

        var response = await alice.StsAsync("AssumeRole", Assume(RoleArn(A, "named"), "nightly-job"));

        var credentials = AwsTestClient.Credentials(response);
        Assert.StartsWith("ASIA", credentials.AccessKeyId, StringComparison.Ordinal);
        Assert.Equal(20, credentials.AccessKeyId.Length);
        Assert.Equal(40, credentials.SecretAccessKey.Length);
        Assert.InRange(credentials.Expiration - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        var user = response.Xml.Descendants(AwsTestClient.StsNs + "AssumedRoleUser").Single();
        Assert.Equal($"arn:aws:sts::{A}:assumed-role/named/nightly-job", user.Element(AwsTestClient.StsNs + "Arn")!.Value);
        Assert.Matches("^AROA[A-Z2-7]{17}:nightly-job$", user.Element(AwsTestClient.StsNs + "AssumedRoleId")!.Value);
        Assert.Equal("AssumeRoleResponse", response.Xml.Name.LocalName);
        Assert.NotNull(response.RequestId);
    }

    [Fact]
    public async Task AssumeRole_trust_policy_that_does_not_name_the_user_is_AccessDenied_in_the_STS_shape()
    {
        using var carol = sts.Client("carol");

        var response = await carol.StsAsync("AssumeRole", Assume(RoleArn(A, "named")));

        Assert.Equal(403, response.Status);
        Assert.Equal(AwsTestClient.StsNs + "ErrorResponse", response.Xml.Name);
        Assert.Equal("AccessDenied", AwsTestClient.StsErrorCode(response));
        Assert.Equal("Sender", response.Xml.Descendants(AwsTestClient.StsNs + "Type").Single().Value);
        Assert.Equal($"User: arn:aws:iam::{A}:user/carol is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{A}:role/named",
            response.Xml.Descendants(AwsTestClient.StsNs + "Message").Single().Value);
        Assert.Equal(response.RequestId, response.Xml.Element(AwsTestClient.StsNs + "RequestId")!.Value);
    }

    [Fact]
    public async Task AssumeRole_of_a_role_that_does_not_exist_is_the_same_AccessDenied()
    {
        using var alice = sts.Client("alice");

        var response = await alice.StsAsync("AssumeRole", Assume(RoleArn(A, "no-such-role")));

        Assert.Equal(403, response.Status);
        Assert.Equal("AccessDenied", AwsTestClient.StsErrorCode(response));
    }

    [Fact]
    public async Task AssumeRole_trust_naming_the_account_root_needs_the_callers_identity_policy()
    {
        using var alice = sts.Client("alice");
        using var dave = sts.Client("dave");
        using var root = sts.Client("root-a");

        var withoutPolicy = await alice.StsAsync("AssumeRole", Assume(RoleArn(A, "account")));
        var withPolicy = await dave.StsAsync("AssumeRole", Assume(RoleArn(A, "account")));
        var asRoot = await root.StsAsync("AssumeRole", Assume(RoleArn(A, "account")));

        Assert.Equal("AccessDenied", AwsTestClient.StsErrorCode(withoutPolicy));
        Assert.Equal(200, withPolicy.Status);
        Assert.Equal(200, asRoot.Status);
    }

    [Fact]
    public async Task AssumeRole_cross_account_needs_the_trust_policy_and_the_callers_identity_policy()
    {
        using var mailer = sts.Client("mailer");
        using var rootB = sts.Client("root-b");
        using var dave = sts.Client("dave");

        // B's mailer may send (ses:Send*) but has no Allow for sts:AssumeRole; B's root needs none.
        var withoutPolicy = await mailer.StsAsync("AssumeRole", Assume(RoleArn(A, "cross")));
        var asRootB = await rootB.StsAsync("AssumeRole", Assume(RoleArn(A, "cross")));
        // A's dave may assume roles of A by his own policy, but the trust policy of cross names only account B.
        var notTrusted = await dave.StsAsync("AssumeRole", Assume(RoleArn(A, "cross")));

        Assert.Equal("AccessDenied", AwsTestClient.StsErrorCode(withoutPolicy));
        Assert.Equal(200, asRootB.Status);
        Assert.Contains($"arn:aws:sts::{A}:assumed-role/cross/test-session", asRootB.Body, StringComparison.Ordinal);
        Assert.Equal("AccessDenied", AwsTestClient.StsErrorCode(notTrusted));
    }

    [Theory]
    [InlineData("x", null, "at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2")]
    [InlineData("has space", null, "Member must satisfy regular expression pattern")]
    [InlineData("ok-session", "899", "Member must have value greater than or equal to 900")]
    [InlineData("ok-session", "43201", "Member must have value less than or equal to 43200")]
    [InlineData("ok-session", "7200", "exceeds the MaxSessionDuration set for this role")]
    public async Task AssumeRole_invalid_parameters_are_ValidationError_400(string session, string? duration, string fragment)
    {
        using var alice = sts.Client("alice");

        var response = await alice.StsAsync("AssumeRole", Assume(RoleArn(A, "named"), session, duration));

        Assert.Equal(400, response.Status);
        Assert.Equal("ValidationError", AwsTestClient.StsErrorCode(response));
        Assert.Contains(fragment, response.Xml.Descendants(AwsTestClient.StsNs + "Message").Single().Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssumeRole_session_policies_are_refused_rather_than_ignored()
    {
        using var alice = sts.Client("alice");

        var response = await alice.StsAsync("AssumeRole", [.. Assume(RoleArn(A, "named")), ("Policy", """{"Version":"2012-10-17","Statement":[]}""")]);

        Assert.Equal(400, response.Status);
        Assert.Equal("ValidationError", AwsTestClient.StsErrorCode(response));
        Assert.Contains("Policy is not supported", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCallerIdentity_names_the_root_the_user_and_the_session()
    {
        using var root = sts.Client("root-a");
        using var alice = sts.Client("alice");
        var session = AwsTestClient.Credentials(await alice.StsAsync("AssumeRole", Assume(RoleArn(A, "named"), "who-am-i")));
        using var asSession = AwsTestClient.For(sts.BaseUrl, session);

        var rootIdentity = (await root.StsAsync("GetCallerIdentity")).Xml;
        var aliceIdentity = (await alice.StsAsync("GetCallerIdentity")).Xml;
        var sessionIdentity = (await asSession.StsAsync("GetCallerIdentity")).Xml;

        string Field(System.Xml.Linq.XElement xml, string name) => xml.Descendants(AwsTestClient.StsNs + name).Single().Value;
        Assert.Equal($"arn:aws:iam::{A}:root", Field(rootIdentity, "Arn"));
        Assert.Equal(A, Field(rootIdentity, "UserId"));
        Assert.Equal($"arn:aws:iam::{A}:user/alice", Field(aliceIdentity, "Arn"));
        Assert.Matches("^AIDA[A-Z2-7]{17}$", Field(aliceIdentity, "UserId"));
        Assert.Equal($"arn:aws:sts::{A}:assumed-role/named/who-am-i", Field(sessionIdentity, "Arn"));
        Assert.Matches("^AROA[A-Z2-7]{17}:who-am-i$", Field(sessionIdentity, "UserId"));
        Assert.Equal(A, Field(sessionIdentity, "Account"));
    }

    [Fact]
    public async Task Session_of_a_role_the_owners_policy_names_sends_as_the_owners_identity()
    {
        using var mailer = sts.Client("mailer");
        var session = AwsTestClient.Credentials(await mailer.StsAsync("AssumeRole", Assume(SenderRole, "campaign-7")));
        using var asSession = AwsTestClient.For(sts.BaseUrl, session);

        var sent = await asSession.SesV2Async(HttpMethod.Post, "/v2/email/outbound-emails", SendBody());
        // The demo mailer user itself is not named by the owner's policy: only its role's sessions may send.
        using var mailerItself = sts.Client("mailer");
        var direct = await mailerItself.SesV2Async(HttpMethod.Post, "/v2/email/outbound-emails", SendBody());

        Assert.True(sent.Status == 200, sent.Body);
        var messageId = sent.Json.GetProperty("MessageId").GetString();
        Assert.Equal(403, direct.Status);
        Assert.Equal("AccessDeniedException", direct.ErrorType);
        await using var db = await sts.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        var attempt = await db.SendAttempts.AsNoTracking().SingleAsync(a => a.MessageId == messageId, TestContext.Current.CancellationToken);
        Assert.Equal($"arn:aws:sts::{B}:assumed-role/sender/campaign-7", attempt.CallerArn);
        Assert.Equal(B, attempt.AccountId);
    }

    [Fact]
    public async Task Session_credentials_are_not_the_account_root_for_owner_only_operations()
    {
        using var rootA = sts.Client("root-a");
        var session = AwsTestClient.Credentials(await rootA.StsAsync("AssumeRole", Assume(RoleArn(A, "account"), "not-root")));
        using var asSession = AwsTestClient.For(sts.BaseUrl, session);

        var create = await asSession.SesV2Async(HttpMethod.Post, "/v2/email/identities", """{"EmailIdentity":"someone@sts.example"}""");

        Assert.Equal(403, create.Status);
        Assert.Equal("AccessDeniedException", create.ErrorType);
    }

    [Fact]
    public async Task Forged_or_mismatched_tokens_are_InvalidClientTokenId_for_STS_and_SES()
    {
        using var alice = sts.Client("alice");
        var session = AwsTestClient.Credentials(await alice.StsAsync("AssumeRole", Assume(RoleArn(A, "named"), "forgery")));
        var other = AwsTestClient.Credentials(await alice.StsAsync("AssumeRole", Assume(RoleArn(A, "named"), "other")));
        var flipped = session.SessionToken[..^3] + (session.SessionToken[^3] == 'A' ? 'B' : 'A') + session.SessionToken[^2..];
        using var tampered = AwsTestClient.For(sts.BaseUrl, session with { SessionToken = flipped });
        using var swapped = AwsTestClient.For(sts.BaseUrl, session with { SessionToken = other.SessionToken });
        using var noToken = new AwsTestClient(sts.BaseUrl, session.AccessKeyId, session.SecretAccessKey);
        using var longTermWithToken = new AwsTestClient(sts.BaseUrl, sts.World.Key("alice").Id, sts.World.Key("alice").Secret, session.SessionToken);

        foreach (var client in new[] { tampered, swapped, noToken, longTermWithToken })
        {
            var viaSts = await client.StsAsync("GetCallerIdentity");
            var viaV2 = await client.SesV2Async(HttpMethod.Get, "/v2/email/account");
            var viaV1 = await client.SesV1Async("GetSendQuota");

            Assert.Equal(403, viaSts.Status);
            Assert.Equal("InvalidClientTokenId", AwsTestClient.StsErrorCode(viaSts));
            Assert.Equal(403, viaV2.Status);
            Assert.Equal("UnrecognizedClientException", viaV2.ErrorType);
            Assert.Equal(403, viaV1.Status);
            Assert.Equal("InvalidClientTokenId", viaV1.V1Code);
        }
    }

    [Fact]
    public async Task Sessions_of_a_deleted_role_stop_working()
    {
        await using (var scope = sts.Services.CreateAsyncScope())
        {
            await RoleAsync(scope.ServiceProvider.GetRequiredService<IamService>(), RootA, "doomed", $"arn:aws:iam::{A}:user/alice");
        }

        using var alice = sts.Client("alice");
        var session = AwsTestClient.Credentials(await alice.StsAsync("AssumeRole", Assume(RoleArn(A, "doomed"))));
        using var asSession = AwsTestClient.For(sts.BaseUrl, session);
        Assert.Equal(200, (await asSession.StsAsync("GetCallerIdentity")).Status);

        await using (var scope = sts.Services.CreateAsyncScope())
        {
            var deleted = await scope.ServiceProvider.GetRequiredService<IamService>().DeleteAsync(RootA, IamPrincipalType.Role, "doomed", TestContext.Current.CancellationToken);
            Assert.True(deleted.IsSuccess);
        }

        var after = await asSession.StsAsync("GetCallerIdentity");
        Assert.Equal(403, after.Status);
        Assert.Equal("InvalidClientTokenId", AwsTestClient.StsErrorCode(after));
    }

    [Fact]
    public async Task GetSessionToken_acts_as_the_caller_and_cannot_be_chained()
    {
        using var alice = sts.Client("alice");
        var response = await alice.StsAsync("GetSessionToken", ("DurationSeconds", "900"));
        var session = AwsTestClient.Credentials(response);
        using var asSession = AwsTestClient.For(sts.BaseUrl, session);

        var identity = await asSession.StsAsync("GetCallerIdentity");
        var again = await asSession.StsAsync("GetSessionToken");
        var assumed = await asSession.StsAsync("AssumeRole", Assume(RoleArn(A, "named"), "via-session-token"));

        Assert.InRange(session.Expiration - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(16));
        Assert.Contains($"<Arn>arn:aws:iam::{A}:user/alice</Arn>", identity.Body, StringComparison.Ordinal);
        Assert.Equal(403, again.Status);
        Assert.Equal("AccessDenied", AwsTestClient.StsErrorCode(again));
        Assert.Equal(200, assumed.Status);
    }

    [Fact]
    public async Task Role_chaining_is_allowed_for_at_most_an_hour()
    {
        using var alice = sts.Client("alice");
        var first = AwsTestClient.Credentials(await alice.StsAsync("AssumeRole", Assume(RoleArn(A, "named"), "first")));
        await using (var scope = sts.Services.CreateAsyncScope())
        {
            var iam = scope.ServiceProvider.GetRequiredService<IamService>();
            await RoleAsync(iam, RootA, "chained", RoleArn(A, "named"));
            Assert.True((await iam.SetMaxSessionDurationAsync(RootA, "chained", 7200, TestContext.Current.CancellationToken)).IsSuccess);
        }

        using var asFirst = AwsTestClient.For(sts.BaseUrl, first);
        var tooLong = await asFirst.StsAsync("AssumeRole", Assume(RoleArn(A, "chained"), "second", "7200"));
        var hour = await asFirst.StsAsync("AssumeRole", Assume(RoleArn(A, "chained"), "second"));

        Assert.Equal("ValidationError", AwsTestClient.StsErrorCode(tooLong));
        Assert.Contains("role chaining", tooLong.Body, StringComparison.Ordinal);
        Assert.Equal(200, hour.Status);
        Assert.Contains($"arn:aws:sts::{A}:assumed-role/chained/second", hour.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_action_or_version_is_InvalidAction_and_an_SES_signature_still_reaches_SES()
    {
        using var alice = sts.Client("alice");

        var unknown = await alice.StsAsync("AssumeRoleWithSAML");
        var sesV1 = await alice.SesV1Async("GetSendQuota");

        Assert.Equal(400, unknown.Status);
        Assert.Equal("InvalidAction", AwsTestClient.StsErrorCode(unknown));
        Assert.Equal(200, sesV1.Status);
        Assert.Equal("GetSendQuotaResponse", sesV1.Xml.Name.LocalName);
    }
}
