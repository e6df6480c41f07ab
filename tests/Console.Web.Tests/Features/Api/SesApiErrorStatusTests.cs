using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Api;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// Every error the API answers takes its HTTP status from the one table (<see cref="SesErrorCodes"/>): client errors are
/// 400 on v1 even where v2 says 404 (a delegate reading the owner's policies through v1 got 404 before).
/// </summary>
public sealed class SesApiErrorStatusTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    /// <summary>The console's own error codes that reach the API, and AWS's used as is.</summary>
    public static readonly TheoryData<string> Codes = new(
        "MissingAuthenticationToken", "IncompleteSignature", "InvalidClientTokenId", "ExpiredToken", "SignatureDoesNotMatch", "RequestExpired",
        "InternalFailure", "InvalidAction", "InvalidParameterValue", "AccessDenied", "auth.root_only", "auth.no_account",
        "identity.not_found", "identity.exists", "identity.limit", "identity.invalid_name", "dkim.invalid_selector",
        "policy.already_exists", "policy.not_found", "policy.invalid", "policy.limit_exceeded", "policy_name.too_long",
        "policy_name.required", "policy_name.invalid", "suppression.not_found", "suppression.invalid_address",
        "configuration_set.not_found", "configuration_set.exists", "configuration_set.invalid_name", "configuration_set.limit",
        "AlreadyExists", "TemplateDoesNotExist", "InvalidTemplate", "MissingRenderingAttribute", "InvalidRenderingParameter", "LimitExceeded",
        "something.new");

    [Theory]
    [MemberData(nameof(Codes))]
    public void Map_EveryCode_GivesCodesOfTheStatusTables(string code)
    {
        var (v1, v2) = SesApiErrors.Map(code);

        Assert.True(SesErrorCodes.V1.ContainsKey(v1), $"{code} → v1 {v1} is not in the table");
        Assert.True(SesErrorCodes.V2.ContainsKey(v2), $"{code} → v2 {v2} is not in the table");
        Assert.True(SesErrorCodes.V1[v1] is 400 or 403 or 500, $"{code} → v1 {v1} {SesErrorCodes.V1[v1]}");
    }

    [Theory]
    [InlineData("ListIdentityPolicies")]
    [InlineData("GetIdentityPolicies")]
    public async Task DelegateReadsTheOwnersPoliciesThroughV1_400InvalidParameterValue_Not404(string action)
    {
        await api.A.V2Async(HttpMethod.Post, "/v2/email/identities", """{"EmailIdentity":"status-owned.example"}""");

        var v1 = await api.B.V1Async(("Action", action), ("Identity", "status-owned.example"), ("PolicyNames.member.1", "Any"));
        var v2 = await api.B.V2Async(HttpMethod.Get, "/v2/email/identities/status-owned.example/policies");

        Assert.Equal(400, v1.Status);
        Assert.Equal("InvalidParameterValue", v1.V1Code);
        Assert.Equal("Sender", v1.Xml.Descendants(SesApiTestClient.Ns + "Type").Single().Value);
        Assert.Equal((404, "NotFoundException"), (v2.Status, v2.ErrorType));
    }

    [Fact]
    public async Task V1ErrorsOfEveryKind_StatusIsTheTablesForTheirCode()
    {
        var responses = new[]
        {
            await api.A.V1Async(("Action", "NoSuchAction")),
            await api.A.V1Async(("Action", "DeleteIdentityPolicy"), ("Identity", "missing.example"), ("PolicyName", "bad name")),
            await api.A.V1Async(("Action", "PutIdentityPolicy"), ("Identity", "missing.example"), ("PolicyName", "P"), ("Policy", "{}")),
            await api.A.V1Async(("Action", "ListIdentities"), ("IdentityType", "Phone")),
            await api.A.V1Async(("Action", "DescribeConfigurationSet"), ("ConfigurationSetName", "missing")),
            await api.A.V1Async(("Action", "SendEmail"), ("Source", "nobody@unverified.example"), ("Destination.ToAddresses.member.1", "a@b.example"),
                ("Message.Subject.Data", "s"), ("Message.Body.Text.Data", "b")),
        };

        Assert.All(responses, r =>
        {
            Assert.NotNull(r.V1Code);
            Assert.Equal(SesErrorCodes.V1Status(r.V1Code!), r.Status);
        });
    }
}
