namespace SesConsole.Web.Features.Delegates;

/// <summary>One ready-to-paste snippet for the delegate.</summary>
public sealed record HandOverSnippet(string Key, string Title, string Text);

/// <summary>
/// What the owner hands to a delegate (docs/delegates.md#hand-over): the identity ARN and how to name it in a send, for
/// API v1 (<c>SourceArn</c>), v2 (<c>FromEmailAddressIdentityArn</c>) and SMTP (the <c>X-SES-*-ARN</c> headers).
/// </summary>
public static class HandOverSnippets
{
    private const string V1Message = "'Subject={Data=Hello},Body={Text={Data=Hello}}'";
    private const string V2Content = "'Simple={Subject={Data=Hello},Body={Text={Data=Hello}}}'";

    /// <summary>The snippets for <paramref name="identityArn"/>; <paramref name="endpoint"/> is this installation's API URL, <paramref name="smtpHost"/>/<paramref name="smtpPort"/> its SMTP endpoint.</summary>
    public static IReadOnlyList<HandOverSnippet> For(string identityArn, string region, string identityName, string endpoint, string smtpHost, int smtpPort)
    {
        var from = identityName.Contains('@', StringComparison.Ordinal) ? identityName : $"sender@{identityName}";
        var url = endpoint.TrimEnd('/');
        return
        [
            new("v1-cli", "API v1 SendEmail (AWS CLI)", $"""
                aws ses send-email --region {region} --endpoint-url {url} \
                  --from {from} --destination ToAddresses=recipient@example.com \
                  --message {V1Message} \
                  --source-arn {identityArn}
                """),
            new("v1-raw-cli", "API v1 SendRawEmail (AWS CLI)", $"""
                aws ses send-raw-email --region {region} --endpoint-url {url} \
                  --raw-message Data=fileb://message.eml \
                  --source-arn {identityArn} --from-arn {identityArn} --return-path-arn {identityArn}
                """),
            new("v1-js", "API v1 SendEmail (JavaScript SDK v3)", $$"""
                import { SESClient, SendEmailCommand } from "@aws-sdk/client-ses";

                const ses = new SESClient({ region: "{{region}}", endpoint: "{{url}}" });
                await ses.send(new SendEmailCommand({
                  Source: "{{from}}",
                  SourceArn: "{{identityArn}}",
                  Destination: { ToAddresses: ["recipient@example.com"] },
                  Message: { Subject: { Data: "Hello" }, Body: { Text: { Data: "Sent as {{identityName}}" } } },
                }));
                """),
            new("v2-cli", "API v2 SendEmail (AWS CLI)", $"""
                aws sesv2 send-email --region {region} --endpoint-url {url} \
                  --from-email-address {from} \
                  --from-email-address-identity-arn {identityArn} \
                  --destination ToAddresses=recipient@example.com \
                  --content {V2Content}
                """),
            new("v2-js", "API v2 SendEmail (JavaScript SDK v3)", $$"""
                import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";

                const ses = new SESv2Client({ region: "{{region}}", endpoint: "{{url}}" });
                await ses.send(new SendEmailCommand({
                  FromEmailAddress: "{{from}}",
                  FromEmailAddressIdentityArn: "{{identityArn}}",
                  Destination: { ToAddresses: ["recipient@example.com"] },
                  Content: { Simple: { Subject: { Data: "Hello" }, Body: { Text: { Data: "Sent as {{identityName}}" } } } },
                }));
                """),
            new("smtp", $"SMTP ({smtpHost}:{smtpPort}, STARTTLS, your SMTP credentials)", $"""
                From: {from}
                To: recipient@example.com
                Subject: Hello
                X-SES-SOURCE-ARN: {identityArn}
                X-SES-FROM-ARN: {identityArn}
                X-SES-RETURN-PATH-ARN: {identityArn}

                Sent as {identityName}
                """),
        ];
    }
}
