using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;

namespace SesConsole.Domain.Tests.Policies;

public sealed class PolicyValidatorTests
{
    private static readonly IdentityArn Identity = IdentityArn.Parse("arn:aws:ses:us-east-1:888888888888:identity/example.com").GetValueOrThrow();

    private static string Policy(string statementBody) =>
        $$"""{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Resource": "{{Identity.Value}}", {{statementBody}}}]}""";

    private static PolicyValidationResult Validate(string text) =>
        PolicyValidator.ValidateResourcePolicy(text, Identity, FakePrincipalDirectory.Standard());

    [Fact]
    public void ValidateResourcePolicy_UppercaseAwsPrefix_RejectedWithSesMessageAndHint()
    {
        var result = Validate(Policy("""
            "Action": "ses:SendEmail", "Condition": {"StringEquals": {"AWS:SourceAccount": "888888888888"}}
            """));

        var error = Assert.Single(result.Errors);
        Assert.Equal(PolicyDiagnosticCodes.UnknownConditionKey, error.Code);
        Assert.Equal("Unknown or unapplicable condition field 'AWS:SourceAccount'", error.Message);
        Assert.Equal("did you mean `aws:SourceAccount`?", error.Hint);
        Assert.Equal("/Statement/0/Condition/StringEquals/AWS:SourceAccount", error.JsonPointer);
    }

    [Theory]
    [InlineData("ses:SendRawMail", "did you mean `ses:SendRawEmail`?")]
    [InlineData("ses:sendemails", "did you mean `ses:SendEmail`?")]
    [InlineData("ses:SendTemplateEmail", "did you mean `ses:SendTemplatedEmail`?")]
    public void ValidateResourcePolicy_UnknownAction_HintsClosestAction(string action, string hint)
    {
        var result = Validate(Policy($"\"Action\": \"{action}\""));

        var error = Assert.Single(result.Errors);
        Assert.Equal(PolicyDiagnosticCodes.UnknownAction, error.Code);
        Assert.Equal(hint, error.Hint);
    }

    [Fact]
    public void ValidateResourcePolicy_OperatorTypo_HintsOperatorKeepingPrefix()
    {
        var result = Validate(Policy("""
            "Action": "ses:SendEmail", "Condition": {"ForAllValues:StringLik": {"ses:Recipients": "*@example.com"}}
            """));

        var error = Assert.Single(result.Errors);
        Assert.Equal(PolicyDiagnosticCodes.UnknownOperator, error.Code);
        Assert.Equal("did you mean `ForAllValues:StringLike`?", error.Hint);
    }

    [Fact]
    public void ValidateResourcePolicy_WrongResource_HintsIdentityArn()
    {
        var text = Policy("\"Action\": \"ses:SendEmail\"").Replace("identity/example.com", "identity/example.org", StringComparison.Ordinal);

        var error = Assert.Single(Validate(text).Errors);

        Assert.Equal(PolicyDiagnosticCodes.ResourceMismatch, error.Code);
        Assert.Equal($"did you mean `{Identity.Value}`?", error.Hint);
    }

    [Theory]
    [InlineData("NotPrincipal", "NotPrincipal is not supported in SES policies")]
    [InlineData("NotAction", "NotAction is not supported in SES policies")]
    [InlineData("NotResource", "NotResource is not supported in SES policies")]
    public void ValidateResourcePolicy_NotElements_RejectedWithClearMessage(string element, string message)
    {
        var result = Validate(Policy($"\"Action\": \"ses:SendEmail\", \"{element}\": \"x\""));

        var error = Assert.Single(result.Errors, e => e.Code == PolicyDiagnosticCodes.UnsupportedElement);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateResourcePolicy_UnknownStatementElement_HintsElement()
    {
        var result = Validate(Policy("\"Action\": \"ses:SendEmail\", \"Conditions\": {}"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(PolicyDiagnosticCodes.UnknownElement, error.Code);
        Assert.Equal("did you mean `Condition`?", error.Hint);
    }

    [Fact]
    public void ValidateResourcePolicy_RegexInStringLike_WarnsWithFixedPattern()
    {
        var result = Validate(Policy("""
            "Action": "ses:SendEmail", "Condition": {"StringLike": {"ses:FromAddress": "marketing+.*@example.com"}}
            """));

        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(PolicyDiagnosticCodes.RegexInLike, warning.Code);
        Assert.Equal("did you mean `marketing+*@example.com`?", warning.Hint);
        Assert.Contains("`.` is a literal dot", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateResourcePolicy_UnknownPrincipal_NamesIt()
    {
        var text = Policy("\"Action\": \"ses:SendEmail\"").Replace("123456789012", "arn:aws:iam::123456789012:user/Ghost", StringComparison.Ordinal);

        var error = Assert.Single(Validate(text).Errors);

        Assert.Equal(PolicyDiagnosticCodes.UnknownPrincipal, error.Code);
        Assert.Contains("arn:aws:iam::123456789012:user/Ghost", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateResourcePolicy_PrincipalIsOwner_Warns()
    {
        var text = Policy("\"Action\": \"ses:SendEmail\"").Replace("123456789012", "arn:aws:iam::888888888888:root", StringComparison.Ordinal);

        var result = Validate(text);

        Assert.True(result.IsValid);
        Assert.Equal(PolicyDiagnosticCodes.PrincipalIsOwner, Assert.Single(result.Warnings).Code);
    }

    [Fact]
    public void ValidateResourcePolicy_ErrorsComeBeforeWarnings()
    {
        var result = Validate(Policy("""
            "Action": ["ses:SendEmail", "ses:Nope"], "Condition": {"StringLike": {"ses:FromAddress": "x"}}
            """));

        Assert.Equal([DiagnosticSeverity.Error, DiagnosticSeverity.Warning], result.Diagnostics.Select(d => d.Severity));
    }

    [Fact]
    public void ValidateResourcePolicy_Exactly4096Bytes_IsAccepted()
    {
        var skeleton = Policy("\"Action\": \"ses:SendEmail\", \"Sid\": \"\"");
        var text = skeleton.Replace("\"Sid\": \"\"", "\"Sid\": \"" + new string('a', 4096 - skeleton.Length) + "\"", StringComparison.Ordinal);

        Assert.Equal(4096, text.Length);
        Assert.True(Validate(text).IsValid);
        Assert.Contains(Validate(text.Replace("\"Sid\": \"a", "\"Sid\": \"ab", StringComparison.Ordinal)).Errors, e => e.Code == PolicyDiagnosticCodes.TooLarge);
    }

    [Fact]
    public void ValidateIdentityPolicy_PrincipalPresent_Rejected()
    {
        var result = PolicyValidator.ValidateIdentityPolicy("""
            {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ses:Send*", "Resource": "*"}]}
            """);

        Assert.Equal(PolicyDiagnosticCodes.PrincipalNotAllowed, Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void ValidateIdentityPolicy_WildcardResources_Accepted()
    {
        var result = PolicyValidator.ValidateIdentityPolicy("""
            {"Statement": [{"Effect": "Allow", "Action": ["ses:SendEmail", "ses:SendRawEmail"],
              "Resource": ["arn:aws:ses:*:888888888888:identity/*", "arn:aws:ses:us-east-1:*:identity/example.com"]}]}
            """);

        Assert.True(result.IsValid, string.Join("; ", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
    }

    [Theory]
    [InlineData(null, "policy_name.required", "PolicyName is required.")]
    [InlineData("", "policy_name.required", "PolicyName is required.")]
    [InlineData("has space", "policy_name.invalid", "PolicyName is invalid. Policy names must only include alpha-numeric characters, dashes, and underscores.")]
    [InlineData("x.y", "policy_name.invalid", "PolicyName is invalid. Policy names must only include alpha-numeric characters, dashes, and underscores.")]
    public void PolicyNameParse_Invalid_ReturnsSesMessage(string? name, string code, string message)
    {
        var result = PolicyName.Parse(name);

        Assert.False(result.IsSuccess);
        Assert.Equal((code, message), (result.Error.Code, result.Error.Message));
    }

    [Fact]
    public void PolicyNameParse_Lengths_64AcceptedAnd65Rejected()
    {
        Assert.True(PolicyName.Parse(new string('a', 64)).IsSuccess);
        var tooLong = PolicyName.Parse(new string('a', 65));
        Assert.Equal("1 validation error detected: Value at 'policyName' failed to satisfy constraint: Member must have length less than or equal to 64", tooLong.Error!.Message);
        Assert.True(PolicyName.Parse("Authorize_Marketer-1").IsSuccess);
    }

    [Fact]
    public void CheckCanAddPolicy_TwentiethAllowedTwentyFirstRejected()
    {
        Assert.True(PolicyLimits.CheckCanAddPolicy("example.com", 19).IsSuccess);
        var full = PolicyLimits.CheckCanAddPolicy("example.com", 20);
        Assert.Equal("Number of policies for example.com exceeds max allowed number of policies per resource", full.Error!.Message);
    }

    [Fact]
    public void Compile_InvalidPolicy_Fails()
    {
        var result = PolicyCompiler.Compile("p", Validate("{}"));

        Assert.False(result.IsSuccess);
        Assert.Equal("policy.invalid", result.Error.Code);
    }
}
