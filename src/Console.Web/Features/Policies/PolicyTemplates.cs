namespace SesConsole.Web.Features.Policies;

/// <summary>One starting point: a documented SES example (docs/ses-behaviour.md#policy-examples) filled in for an identity.</summary>
public sealed record PolicyTemplate(string Key, string Title, string Description, string SuggestedName, string Document);

/// <summary>
/// The documented SES example policies (P0–P11, P-COG of the reference), with the identity's ARN as the Resource and the
/// owner's account filled in where the example names the owner. Principals that must exist are given as placeholders
/// the owner replaces (the validator says so until they do).
/// </summary>
public static class PolicyTemplates
{
    /// <summary>The delegate account put into templates (the demo's delegate; the owner changes it).</summary>
    public const string ExampleDelegate = "222222222222";

    public static IReadOnlyList<PolicyTemplate> For(string identityArn, string ownerAccount, string identityName, string delegateAccount = ExampleDelegate)
    {
        var domain = identityName.Contains('@', StringComparison.Ordinal) ? identityName[(identityName.IndexOf('@', StringComparison.Ordinal) + 1)..] : identityName;
        var fromAddress = identityName.Contains('@', StringComparison.Ordinal) ? identityName : $"sender@{domain}";
        string Doc(string sid, string principal, string actions, string? condition = null) =>
            $$"""
            {
              "Version": "2012-10-17",
              "Statement": [
                {
                  "Sid": "{{sid}}",
                  "Effect": "Allow",
                  "Principal": {{principal}},
                  "Action": {{actions}},
                  "Resource": "{{identityArn}}"{{(condition is null ? "" : ",\n      \"Condition\": " + condition)}}
                }
              ]
            }
            """;
        const string four = """["ses:SendEmail", "ses:SendTemplatedEmail", "ses:SendRawEmail", "ses:SendBulkTemplatedEmail"]""";
        const string two = """["ses:SendEmail", "ses:SendRawEmail"]""";
        var account = $$"""{ "AWS": "{{delegateAccount}}" }""";
        return
        [
            new("account", "Authorize an account", "One account may send from this identity (any of its users and roles its own IAM policies allow).", "AuthorizeAccount",
                Doc("AuthorizeAccount", account, four)),
            new("iam-users", "Authorize IAM users", "Named IAM users of other accounts may send.", "AuthorizeIAMUser",
                Doc("AuthorizeIAMUser", $$"""{ "AWS": ["arn:aws:iam::{{delegateAccount}}:user/mailer"] }""", two)),
            new("service", "Authorize a service (SourceAccount / SourceArn)", "An AWS service (Cognito) may send, but only for your user pool in your account.", "AuthorizeService",
                Doc("AuthorizeService", """{ "Service": "cognito-idp.amazonaws.com" }""", two,
                    $$"""
                    {
                            "StringEquals": {
                              "aws:SourceAccount": "{{ownerAccount}}",
                              "aws:SourceArn": "arn:aws:cognito-idp:us-east-1:{{ownerAccount}}:userpool/us-east-1_EXAMPLE"
                            }
                          }
                    """.Trim())),
            new("organization", "Authorize an organization", "Every principal of one AWS organization may send.", "AuthorizeOrg",
                Doc("AuthorizeOrg", "\"*\"", two, """{ "StringEquals": { "aws:PrincipalOrgID": "o-exampleorg1" } }""")),
            new("from-address", "Restrict the From address", "The delegate may only send From one address.", "AuthorizeFromAddress",
                Doc("AuthorizeFromAddress", account, two, $$"""{ "StringEquals": { "ses:FromAddress": "{{fromAddress}}" } }""")),
            new("from-prefix", "Restrict From to a prefix", "From must start with \"marketing+\" (StringLike: * is any run, . is a literal dot).", "AuthorizeMarketer",
                Doc("AuthorizeMarketer", account, two, $$"""{ "StringLike": { "ses:FromAddress": "marketing+*@{{domain}}" } }""")),
            new("display-name", "Restrict the display name", "The From display name must be exactly \"Marketing\".", "AuthorizeDisplayName",
                Doc("AuthorizeDisplayName", account, two, """{ "StringLike": { "ses:FromDisplayName": "Marketing" } }""")),
            new("time-window", "Allow during a time window", "Sending is allowed only between two instants (a campaign).", "ControlTimePeriod",
                Doc("ControlTimePeriod", account, two, """{ "DateGreaterThan": { "aws:CurrentTime": "2026-12-01T00:00:00Z" }, "DateLessThan": { "aws:CurrentTime": "2027-01-01T00:00:00Z" } }""")),
            new("raw-only", "Raw email only (SMTP)", "Only SendRawEmail, which SMTP uses.", "ControlAction",
                Doc("ControlAction", account, """["ses:SendRawEmail"]""")),
            new("recipients", "Recipients in my domain", "Every recipient must be in your domain (ForAllValues is also true with no recipients).", "AuthorizeInternal",
                Doc("AuthorizeInternal", account, two, $$"""{ "ForAllValues:StringLike": { "ses:Recipients": "*@{{domain}}" } }""")),
        ];
    }
}
