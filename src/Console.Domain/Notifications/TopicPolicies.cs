using System.Text.Json;
using SesConsole.Domain.Policies;

namespace SesConsole.Domain.Notifications;

/// <summary>
/// SNS's default topic policy and the names a topic policy works with (docs/notifications.md#topic-policies).
/// </summary>
public static class TopicPolicies
{
    /// <summary>The service principal SES publishes feedback and events as.</summary>
    public const string SesServicePrincipal = "ses.amazonaws.com";

    /// <summary>The service principals a topic policy may name on every installation, whatever <c>Console:ServicePrincipals</c> lists.</summary>
    public static IReadOnlyList<string> BuiltInServicePrincipals { get; } = [SesServicePrincipal];

    /// <summary>The actions, as an SNS request names them (<c>SNS:Publish</c> …); the same list as <see cref="PolicyCatalog.SnsActions"/>.</summary>
    public static IReadOnlyList<string> Actions => PolicyCatalog.SnsActions;

    /// <summary>
    /// The policy SNS gives a topic that has none: every principal whose <c>AWS:SourceOwner</c> is the owner account (that
    /// is, the owner account's own principals) may perform every topic action; nobody else may.
    /// </summary>
    public static string DefaultPolicyJson(TopicArn topic)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("Version", "2008-10-17");
            writer.WriteString("Id", "__default_policy_ID");
            writer.WriteStartArray("Statement");
            writer.WriteStartObject();
            writer.WriteString("Sid", "__default_statement_ID");
            writer.WriteString("Effect", "Allow");
            writer.WriteStartObject("Principal");
            writer.WriteString("AWS", "*");
            writer.WriteEndObject();
            writer.WriteStartArray("Action");
            foreach (var action in Actions)
            {
                writer.WriteStringValue(action);
            }

            writer.WriteEndArray();
            writer.WriteString("Resource", topic.Value);
            writer.WriteStartObject("Condition");
            writer.WriteStartObject("StringEquals");
            writer.WriteString("AWS:SourceOwner", topic.Account.Value);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
