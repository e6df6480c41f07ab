using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;

namespace SesConsole.Domain.Tests.Policies;

internal static class TestPolicies
{
    public const string IdentityText = "arn:aws:ses:us-east-1:888888888888:identity/example.com";

    public static IdentityArn Identity { get; } = IdentityArn.Parse(IdentityText).GetValueOrThrow();

    public static CompiledPolicy Resource(string name, string json)
    {
        var validated = PolicyValidator.ValidateResourcePolicy(json, Identity, FakePrincipalDirectory.Standard());
        Assert.True(validated.IsValid, string.Join("; ", validated.Diagnostics));
        return PolicyCompiler.Compile(name, validated).GetValueOrThrow();
    }

    public static CompiledPolicy IdentityBased(string name, string json)
    {
        var validated = PolicyValidator.ValidateIdentityPolicy(json);
        Assert.True(validated.IsValid, string.Join("; ", validated.Diagnostics));
        return PolicyCompiler.Compile(name, validated).GetValueOrThrow();
    }

    public static string Statement(string sid, string effect, string principal, string action, string? condition = null) =>
        $$"""{"Sid": "{{sid}}", "Effect": "{{effect}}", "Principal": {{principal}}, "Action": "{{action}}", "Resource": "{{IdentityText}}"{{(condition is null ? "" : ", \"Condition\": " + condition)}}}""";

    public static string Document(params string[] statements) =>
        $$"""{"Version": "2012-10-17", "Statement": [{{string.Join(", ", statements)}}]}""";

    public static AuthorizationRequest Request(string principalArn, string action = "ses:SendEmail", RequestContext? context = null) =>
        new(RequestPrincipal.ForArn(PrincipalArn.Parse(principalArn).GetValueOrThrow()), action, IdentityText, context);
}
