using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SesConsole.Domain.Policies;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Policies;

namespace SesConsole.Web.Tests.Features.Policies;

/// <summary>The JSON schemas Monaco completes and hovers from: sending authorization and IAM identity-based policies.</summary>
public sealed class PolicySchemaTests
{
    private static JsonNode Statement(string schema) => JsonNode.Parse(schema)!["properties"]!["Statement"]!["anyOf"]![0]!;

    private static JsonNode Resource() => Statement(PolicySchema.BuildIdentityPolicy())["properties"]!["Resource"]!["anyOf"]![0]!;

    [Fact]
    public void Identity_policy_schema_has_no_Principal_and_the_same_operators_and_the_SES_actions_and_keys_plus_STS()
    {
        var identity = Statement(PolicySchema.BuildIdentityPolicy());
        var resource = Statement(PolicySchema.Build(["222222222222"], ["cognito-idp.amazonaws.com"]));

        Assert.Equal(["Sid", "Effect", "Action", "Resource", "Condition"], identity["properties"]!.AsObject().Select(p => p.Key));
        Assert.False(identity["additionalProperties"]!.GetValue<bool>());
        Assert.NotNull(resource["properties"]!["Principal"]);
        Assert.Equal(
            resource["properties"]!["Condition"]!["properties"]!.AsObject().Select(o => o.Key),
            identity["properties"]!["Condition"]!["properties"]!.AsObject().Select(o => o.Key));

        var operators = identity["properties"]!["Condition"]!["properties"]!.AsObject();
        Assert.Contains("ForAllValues:StringLike", operators.Select(o => o.Key));
        Assert.Contains("DateGreaterThanIfExists", operators.Select(o => o.Key));
        Assert.Equal(PolicyCatalog.ConditionKeyNamesFor(PolicyKind.IdentityBased), operators["StringLike"]!["properties"]!.AsObject().Select(k => k.Key));
        Assert.Equal(PolicyCatalog.ConditionKeyNames, resource["properties"]!["Condition"]!["properties"]!["StringLike"]!["properties"]!.AsObject().Select(k => k.Key));
        Assert.DoesNotContain("sts:ExternalId", PolicyCatalog.ConditionKeyNames);
        var actions = identity["properties"]!["Action"]!["anyOf"]![0]!["examples"]!.AsArray().Select(a => a!.GetValue<string>());
        Assert.Equal(PolicyCatalog.SendActions.Append("ses:Send*").Append("sts:AssumeRole"), actions);
        var resourceActions = resource["properties"]!["Action"]!["anyOf"]![0]!["examples"]!.AsArray().Select(a => a!.GetValue<string>());
        Assert.Equal(PolicyCatalog.SendActions.Append("ses:Send*"), resourceActions);
    }

    [Fact]
    public void Trust_policy_schema_has_Principal_sts_actions_and_no_Resource()
    {
        var trust = Statement(PolicySchema.BuildTrustPolicy(["arn:aws:iam::111111111111:user/alice"], ["cognito-idp.amazonaws.com"]));

        Assert.Equal(["Sid", "Effect", "Principal", "Action", "Condition"], trust["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["Effect", "Principal", "Action"], trust["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(PolicyCatalog.StsActions, trust["properties"]!["Action"]!["anyOf"]![0]!["examples"]!.AsArray().Select(a => a!.GetValue<string>()));
        var keys = trust["properties"]!["Condition"]!["properties"]!["StringEquals"]!["properties"]!.AsObject().Select(k => k.Key).ToList();
        Assert.Contains("sts:ExternalId", keys);
        Assert.Contains("aws:PrincipalArn", keys);
        Assert.DoesNotContain("ses:FromAddress", keys);
    }

    [Theory]
    [InlineData("*", true)]
    [InlineData("arn:aws:ses:*:*:identity/*", true)]
    [InlineData("arn:aws:ses:us-east-1:111111111111:identity/example.com", true)]
    [InlineData("arn:aws:ses:us-east-1:111111111111:identity/*@example.com", true)]
    [InlineData("arn:*:ses:us-east-1:111111111111:identity/example.com", true)]
    [InlineData("arn:aws:iam::111111111111:user/mailer", false)]
    [InlineData("arn:aws:iam::111111111111:role/mailer", true)]
    [InlineData("arn:aws:iam::*:role/*", true)]
    [InlineData("arn:aws:iam:us-east-1:111111111111:role/mailer", false)]
    [InlineData("example.com", false)]
    [InlineData("", false)]
    public void Identity_policy_Resource_is_star_an_ses_identity_arn_pattern_or_a_role_arn_pattern(string value, bool allowed)
    {
        var resource = Resource();
        Assert.Equal(PolicySchema.IdentityResourcePattern, resource["pattern"]!.GetValue<string>());
        Assert.Contains("*", resource["examples"]!.AsArray().Select(e => e!.GetValue<string>()));

        Assert.Equal(allowed, Regex.IsMatch(value, PolicySchema.IdentityResourcePattern, RegexOptions.None, TimeSpan.FromSeconds(1)));

        // The schema never rejects what the domain validator accepts.
        if (allowed)
        {
            var action = value.Contains(":iam:", StringComparison.Ordinal) ? "sts:AssumeRole" : "ses:SendEmail";
            var policy = $$"""{ "Version": "2012-10-17", "Statement": { "Effect": "Allow", "Action": "{{action}}", "Resource": "{{value}}" } }""";
            Assert.True(IamService.Diagnose(policy).All(d => !d.IsError), value);
        }
    }
}
