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
    public void Identity_policy_schema_has_no_Principal_and_the_same_actions_operators_and_keys()
    {
        var identity = Statement(PolicySchema.BuildIdentityPolicy());
        var resource = Statement(PolicySchema.Build(["222222222222"], ["cognito-idp.amazonaws.com"]));

        Assert.Equal(["Sid", "Effect", "Action", "Resource", "Condition"], identity["properties"]!.AsObject().Select(p => p.Key));
        Assert.False(identity["additionalProperties"]!.GetValue<bool>());
        Assert.NotNull(resource["properties"]!["Principal"]);
        Assert.True(JsonNode.DeepEquals(resource["properties"]!["Action"], identity["properties"]!["Action"]));
        Assert.True(JsonNode.DeepEquals(resource["properties"]!["Condition"], identity["properties"]!["Condition"]));

        var operators = identity["properties"]!["Condition"]!["properties"]!.AsObject();
        Assert.Contains("ForAllValues:StringLike", operators.Select(o => o.Key));
        Assert.Contains("DateGreaterThanIfExists", operators.Select(o => o.Key));
        Assert.Equal(PolicyCatalog.ConditionKeyNames, operators["StringLike"]!["properties"]!.AsObject().Select(k => k.Key));
        var actions = identity["properties"]!["Action"]!["anyOf"]![0]!["examples"]!.AsArray().Select(a => a!.GetValue<string>());
        Assert.Equal(PolicyCatalog.SendActions.Append("ses:Send*"), actions);
    }

    [Theory]
    [InlineData("*", true)]
    [InlineData("arn:aws:ses:*:*:identity/*", true)]
    [InlineData("arn:aws:ses:us-east-1:111111111111:identity/example.com", true)]
    [InlineData("arn:aws:ses:us-east-1:111111111111:identity/*@example.com", true)]
    [InlineData("arn:*:ses:us-east-1:111111111111:identity/example.com", true)]
    [InlineData("arn:aws:iam::111111111111:user/mailer", false)]
    [InlineData("example.com", false)]
    [InlineData("", false)]
    public void Identity_policy_Resource_is_star_or_an_ses_identity_arn_pattern(string value, bool allowed)
    {
        var resource = Resource();
        Assert.Equal(PolicySchema.IdentityResourcePattern, resource["pattern"]!.GetValue<string>());
        Assert.Contains("*", resource["examples"]!.AsArray().Select(e => e!.GetValue<string>()));

        Assert.Equal(allowed, Regex.IsMatch(value, PolicySchema.IdentityResourcePattern, RegexOptions.None, TimeSpan.FromSeconds(1)));

        // The schema never rejects what the domain validator accepts.
        if (allowed)
        {
            var policy = $$"""{ "Version": "2012-10-17", "Statement": { "Effect": "Allow", "Action": "ses:SendEmail", "Resource": "{{value}}" } }""";
            Assert.True(IamService.Diagnose(policy).All(d => !d.IsError), value);
        }
    }
}
