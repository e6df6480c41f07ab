using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.ConfigurationSets;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Mail;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Sending;
using SesConsole.Web.Features.Sns;
using SesConsole.Web.Sending;

namespace SesConsole.E2E.Infrastructure;

/// <summary>
/// The data the accessibility run looks at, so that every page is checked showing content, not only its empty state: an
/// account of its own (the other journeys expect the demo accounts as seeded) with a verified domain whose policy grants
/// the demo delegate a conditional Allow, a pending address with its verification mail, an IAM user (with a console
/// sign-in, an access key and a policy), a role, a root access key, a suppressed address, an email template, and an
/// accepted and a refused send. Built once per server, through the console's own services.
/// </summary>
public sealed class AccessibilityWorld
{
    public const string AccountId = "444433332222";
    public const string OwnerEmail = "axe-owner@axe-check.example";
    public const string Domain = "axe-check.example";
    public const string PendingAddress = "pending@axe-check.example";
    public const string PolicyName = "AgencyNewsletters";
    public const string UserName = "campaigns";
    public const string RoleName = "worker";
    public const string TopicName = "axe-feedback";
    public const string SetName = "axe-set";
    public const string TemplateName = "axe-welcome";
    public const string DomainArn = $"arn:aws:ses:us-east-1:{AccountId}:identity/{Domain}";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<ConsoleServer, AccessibilityWorld> Worlds = [];

    private AccessibilityWorld(string iamUserSignIn, string iamUserPassword, string messageId, Guid mailboxMessageId, string verifyLink)
    {
        IamUserSignIn = iamUserSignIn;
        IamUserPassword = iamUserPassword;
        MessageId = messageId;
        MailboxMessageId = mailboxMessageId;
        VerifyLink = verifyLink;
    }

    /// <summary><c>ACCOUNT/campaigns</c>: the IAM user's console sign-in.</summary>
    public string IamUserSignIn { get; }

    public string IamUserPassword { get; }

    /// <summary>The accepted send (Sending activity → message page).</summary>
    public string MessageId { get; }

    /// <summary>The verification mail of <see cref="PendingAddress"/> in the Mailbox.</summary>
    public Guid MailboxMessageId { get; }

    /// <summary>The verification link of that mail (path and query).</summary>
    public string VerifyLink { get; }

    public static async Task<AccessibilityWorld> GetAsync(ConsoleServer server, CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try
        {
            if (!Worlds.TryGetValue(server, out var world))
            {
                world = await BuildAsync(server);
                Worlds[server] = world;
            }

            return world;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<AccessibilityWorld> BuildAsync(ConsoleServer server)
    {
        using var scope = server.Services.CreateScope();
        var services = scope.ServiceProvider;
        var admin = new Caller("e2e-admin", "admin@example.com", null, null, null, true);
        var root = new Caller("e2e-axe", OwnerEmail, AccountId, null, $"arn:aws:iam::{AccountId}:root", false);
        var baseUri = new Uri(server.BaseUrl + "/");

        Check(await services.GetRequiredService<AccountsService>().CreateAsync(admin, new NewAccount
        {
            AccountId = AccountId, DisplayName = "Axe Check Ltd", OrganizationId = "o-axecheck01", Regions = ["us-east-1"], Sandbox = false,
            RootEmail = OwnerEmail, RootPassword = ConsoleServer.Password,
        }));

        // Identities: a verified domain with its DNS records and a conditional grant to the delegate; a pending address.
        var identities = services.GetRequiredService<IdentitiesService>();
        Check(await identities.CreateDomainAsync(root, "us-east-1", Domain, new NewDomainIdentity()));
        await using (var db = await services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            await db.SendingIdentities.Where(i => i.AccountId == AccountId && i.Name == Domain)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.VerificationStatus, VerificationStatus.Success).SetProperty(i => i.VerifiedAt, DateTimeOffset.UtcNow));
        }

        Check(await services.GetRequiredService<IdentityPoliciesService>().CreateAsync(root, "us-east-1", Domain, PolicyName, $$"""
            {
              "Version": "2012-10-17",
              "Statement": [
                {
                  "Sid": "NewslettersOnly",
                  "Effect": "Allow",
                  "Principal": { "AWS": "222222222222" },
                  "Action": ["ses:SendEmail", "ses:SendRawEmail"],
                  "Resource": "{{DomainArn}}",
                  "Condition": { "StringLike": { "ses:FromAddress": "news*@{{Domain}}" } }
                }
              ]
            }
            """));
        Check(await identities.CreateEmailAsync(root, "us-east-1", PendingAddress, baseUri));

        // IAM: a user who signs in to the console, with a key and a policy; a role; a key of the root.
        var iam = services.GetRequiredService<IamService>();
        Check(await iam.CreateAsync(root, IamPrincipalType.User, UserName, "Sends the newsletters"));
        Check(await iam.PutPolicyAsync(root, IamPrincipalType.User, UserName, "SendFromOurDomain", $$"""
            { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "ses:Send*", "Resource": "{{DomainArn}}" } ] }
            """));
        var signIn = Check(await iam.EnableConsoleAccessAsync(root, UserName));
        Check(await iam.CreateAsync(root, IamPrincipalType.Role, RoleName, "Batch jobs"));
        var keys = services.GetRequiredService<AccessKeysService>();
        Check(await keys.CreateAsync(root, UserName));
        Check(await keys.CreateAsync(root, null));
        Check(await services.GetRequiredService<SuppressionService>().PutAsync(root, "gone@customer.example", "BOUNCE"));

        // Notifications: a topic with a subscription, and a configuration set with an event-log destination.
        var sns = services.GetRequiredService<SnsService>();
        var snsCaller = SnsCaller.ForConsole(root, "us-east-1");
        var topicArn = Check(await sns.CreateTopicAsync(snsCaller, TopicName, new Dictionary<string, string> { ["DisplayName"] = "Axe feedback" }, new Dictionary<string, string>(), default));
        Check(await sns.SubscribeAsync(snsCaller, topicArn, "email", "feedback@axe-check.example", new Dictionary<string, string>(), returnSubscriptionArn: false, default));
        var sets = services.GetRequiredService<ConfigurationSetsService>();
        Check(await sets.CreateAsync(root, "us-east-1", SetName));
        Check(await sets.CreateDestinationAsync(root, "us-east-1", SetName, "log", new EventDestinationInput
        {
            Enabled = true, Kind = EventDestinationKind.EventLog, MatchingEventTypes = [ConfigurationSetEventTypes.FromV2("SEND")!, ConfigurationSetEventTypes.FromV2("DELIVERY")!],
        }));

        // An email template (docs/templates.md#templates-page).
        var template = await services.GetRequiredService<SesConsole.Web.Sending.Templates.EmailTemplateStore>().CreateAsync(root, new SesConsole.Web.Features.Audit.AuditActor(), "us-east-1",
            new SesConsole.Domain.Templates.EmailTemplate(TemplateName, "Welcome, {{name}}", "Hello {{name}}, welcome to {{company}}.",
                "<h1>Hello {{name}}</h1><p>Welcome to <b>{{company}}</b>.</p>"), default);
        Check(template);

        // Sends: one accepted, one refused (an address of a domain the account has not verified).
        var sender = services.GetRequiredService<SendService>();
        var caller = await sender.CallerAsync(root, sourceIp: null, secureTransport: true);
        var accepted = await sender.SendAsync(
            new SendRequest(caller, SendApi.V2Simple, "us-east-1", DateTimeOffset.UtcNow,
                new SimpleContent(["success@simulator.amazonses.com"], Subject: "Accessibility check", TextBody: "Hello."))
            { Source = $"news@{Domain}", FromArn = DomainArn, SourceArn = DomainArn },
            "TestSend");
        Xunit.Assert.True(accepted.IsAccepted, accepted.Rejection?.Error.Message);
        var refused = await sender.SendAsync(
            new SendRequest(caller, SendApi.V2Simple, "us-east-1", DateTimeOffset.UtcNow,
                new SimpleContent(["reader@customer.example"], Subject: "Refused", TextBody: "Hello."))
            { Source = "someone@unverified.example" },
            "TestSend");
        Xunit.Assert.False(refused.IsAccepted);

        // The verification mail of the pending address, and its link.
        var mailbox = services.GetRequiredService<MailboxService>();
        var listing = Check(await mailbox.ListAsync(root, new MailboxQuery(PendingAddress)));
        var mail = Check(await mailbox.GetAsync(root, listing.Items.First(i => i.To.Contains(PendingAddress, StringComparison.Ordinal)).Id));
        var link = new Uri(mail.Links.First(l => l.Url.Contains("verify-email", StringComparison.Ordinal)).Url);

        return new AccessibilityWorld(signIn.UserName, signIn.Password, accepted.MessageId!, mail.Summary.Id, link.PathAndQuery);
    }

    private static void Check(SesConsole.Domain.Primitives.Result result) =>
        Xunit.Assert.True(result.IsSuccess, result.Error?.Message);

    private static T Check<T>(SesConsole.Domain.Primitives.Result<T> result)
    {
        Xunit.Assert.True(result.IsSuccess, result.Error?.Message);
        return result.GetValueOrThrow();
    }
}
