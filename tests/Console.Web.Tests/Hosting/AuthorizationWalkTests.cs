using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Hosting;

/// <summary>
/// Walks every page route (every <c>@page</c> in Console.Web) as anonymous, owner A (111111111111), owner B
/// (222222222222), an IAM user of B and the admin, over real HTTP against the real app and a real SQLite file. Pages are
/// prerendered, so the HTML shows what each caller gets. The objects in the routes (an identity, its policy, a message,
/// a Mailbox message, an IAM role) belong to owner A, so B and B's IAM user must get the not-found content.
/// </summary>
public sealed class AuthorizationWalkTests(AuthorizationWalkTests.App app) : IClassFixture<AuthorizationWalkTests.App>
{
    private const string Identity = "walk-a.example";
    private const string IdentityPolicy = "WalkPolicy";
    private const string Message = "walk-message-of-a";
    private const string Role = "walk-role";
    private const string Topic = "walk-topic";
    private const string ConfigurationSet = "walk-set";
    private const string Template = "walk-template";
    private const string TemplateSubject = "WalkSubjectOfA";
    private const string MailSubject = "Walk mail of owner A";
    private static readonly Guid Mail = new("0b7c3d1e-8a5f-4c2b-9e6d-1f0a2b3c4d5e");

    private static readonly string[] Callers = ["anonymous", "ownerA", "ownerB", "iamUserB", "admin"];

    private static readonly Outcome Login = new Redirect("/Account/Login");
    private static readonly Outcome Denied = new Redirect("/Account/AccessDenied");

    /// <summary>A 200 page whose HTML contains <paramref name="text"/>.</summary>
    private static Page Shows(string text) => new Page(text);

    /// <summary>A 200 page saying the object is not the caller's (another account's object is never shown).</summary>
    private static Page NotFound(string text) => new Page(text);

    /// <summary>What each caller gets on each page route. Every <c>@page</c> route of Console.Web has a row.</summary>
    private static readonly (string Route, Outcome Anonymous, Outcome OwnerA, Outcome OwnerB, Outcome IamUserB, Outcome Admin)[] Matrix =
    [
        // Route                                           anonymous  owner A                                                        owner B                                                                  IAM user of B                                         admin
        ("/",                                              Login,     Shows("111111111111"),                                          Shows("222222222222"),                                                   Shows("arn:aws:iam::222222222222:user/mailer"),       Shows("You are a platform admin")),
        ("/security-credentials",                          Login,     Shows("arn:aws:iam::111111111111:root"),                        Shows("arn:aws:iam::222222222222:root"),                                 Shows("arn:aws:iam::222222222222:user/mailer"),       Denied),
        ("/iam/users",                                     Login,     Shows("No IAM users yet"),                                      Shows("arn:aws:iam::222222222222:user/mailer"),                          Denied,                                               Denied),
        ("/iam/roles",                                     Login,     Shows($"arn:aws:iam::111111111111:role/{Role}"),                Shows("No IAM roles yet"),                                               Denied,                                               Denied),
        ("/iam/users/mailer",                              Login,     NotFound("There is no IAM user named &#x27;mailer&#x27; in your account"), Shows("arn:aws:iam::222222222222:user/mailer"),              Denied,                                               Denied),
        ($"/iam/roles/{Role}",                             Login,     Shows($"arn:aws:iam::111111111111:role/{Role}"),                NotFound($"There is no IAM role named &#x27;{Role}&#x27; in your account"), Denied,                                            Denied),
        ("/admin/accounts",                                Login,     Denied,                                                         Denied,                                                                  Denied,                                               Shows("111111111111")),
        ("/admin/accounts/222222222222/reputation",        Login,     Denied,                                                         Denied,                                                                  Denied,                                               Shows("Marketing Agency (delegate)")),
        ("/admin/dkim-zone",                               Login,     Denied,                                                         Denied,                                                                  Denied,                                               Shows("No DKIM zone is configured")),
        ("/mailbox",                                       Login,     Shows(MailSubject),                                             Shows("No mail yet"),                                                    Shows("No mail yet"),                                 Shows(MailSubject)),
        ($"/mailbox/{Mail}",                               Login,     Shows(MailSubject),                                             NotFound($"Message {Mail} was not found in your Mailbox."),              NotFound($"Message {Mail} was not found in your Mailbox."), Shows(MailSubject)),
        ("/identities",                                    Login,     Shows(Identity),                                                Shows("No identities in us-east-1 yet"),                                 Shows("No identities in us-east-1 yet"),              Denied),
        ($"/identities/{Identity}",                        Login,     Shows($"arn:aws:ses:us-east-1:111111111111:identity/{Identity}"), NotFound($"{Identity} is not an identity of your account in us-east-1."), NotFound($"{Identity} is not an identity of your account in us-east-1."), Denied),
        ($"/identities/{Identity}/policies/new",           Login,     Shows("New sending authorization policy"),                                            NotFound($"Identity {Identity} does not exist in us-east-1 in your account."), NotFound($"Identity {Identity} does not exist in us-east-1 in your account."), Denied),
        ($"/identities/{Identity}/policies/{IdentityPolicy}", Login,  Shows($"Policy {IdentityPolicy}"),                                         NotFound($"Identity {Identity} does not exist in us-east-1 in your account."), NotFound($"Identity {Identity} does not exist in us-east-1 in your account."), Denied),
        ("/suppression",                                   Login,     Shows("Suppression list"),                                      Shows("Suppression list"),                                               Shows("Suppression list"),                            Denied),
        ("/activity",                                      Login,     Shows(Message),                                                 Shows("Sending activity"),                                               Shows("Sending activity"),                            Denied),
        ($"/activity/{Message}",                           Login,     Shows("Sent by"),                                               NotFound($"Message {Message} was not sent by your account or as your identities."), NotFound($"Message {Message} was not sent by your account or as your identities."), Denied),
        ("/topics",                                        Login,     Shows(Topic),                                                   Shows("No topics in us-east-1 yet"),                                     Shows("No topics in us-east-1 yet"),                  Denied),
        ($"/topics/{Topic}",                               Login,     Shows($"arn:aws:sns:us-east-1:111111111111:{Topic}"),           NotFound($"No topic {Topic} in us-east-1"),                              NotFound($"No topic {Topic} in us-east-1"),           Denied),
        ("/configuration-sets",                            Login,     Shows(ConfigurationSet),                                        Shows("No configuration sets in us-east-1 yet"),                         Shows("No configuration sets in us-east-1 yet"),      Denied),
        ("/templates",                                     Login,     Shows(Template),                                                Shows("No email templates in us-east-1 yet"),                            Shows("No email templates in us-east-1 yet"),         Denied),
        ("/templates/new",                                 Login,     Shows("New template"),                                          Shows("New template"),                                                   Shows("New template"),                                Denied),
        ($"/templates/{Template}",                         Login,     Shows("A template cannot be renamed"),                                       NotFound($"No template {Template} in us-east-1"),                        NotFound($"No template {Template} in us-east-1"),     Denied),
        ($"/configuration-sets/{ConfigurationSet}",        Login,     Shows("No event destinations"),                                 NotFound($"No configuration set {ConfigurationSet} in us-east-1"),       NotFound($"No configuration set {ConfigurationSet} in us-east-1"), Denied),
        ("/reputation",                                    Login,     Shows("No mail sent in the last 14 days"),                      Shows("No mail sent in the last 14 days"),                               Shows("No mail sent in the last 14 days"),            Denied),
        ("/policies/findings",                             Login,     Shows(Identity),                                                Shows("No policies to check"),                                           Shows("No policies to check"),                        Shows("Every account")),
        ("/audit",                                         Login,     Shows("Every change to your account"),                          Shows("Every change to your account"),                                   Shows("Every change to your account"),                Shows("Every account")),
        ("/granted",                                       Login,     Shows("Granted to me"),                                         Shows("Granted to me"),                                                  Shows("Granted to me"),                               Denied),
        ("/test-send",                                     Login,     Shows("Test send"),                                             Shows("Test send"),                                                      Shows("Test send"),                                   Denied),
        ("/verify-email",                                  Shows("Email verification"), Shows("Email verification"),                  Shows("Email verification"),                                             Shows("Email verification"),                          Shows("Email verification")),
        ("/Account/Login",                                 Shows("Sign in"), Shows("Sign in"),                                        Shows("Sign in"),                                                        Shows("Sign in"),                                     Shows("Sign in")),
        ("/Account/AccessDenied",                          Shows("Access denied"), Shows("Access denied"),                            Shows("Access denied"),                                                  Shows("Access denied"),                               Shows("Access denied")),
        ("/not-found",                                     Shows("Not found"), Shows("Not found"),                                    Shows("Not found"),                                                      Shows("Not found"),                                   Shows("Not found")),
        ("/Error",                                         Shows("Error"), Shows("Error"),                                            Shows("Error"),                                                          Shows("Error"),                                       Shows("Error")),
    ];

    /// <summary>Every (route, caller) cell of <see cref="Matrix"/>.</summary>
    public static TheoryData<string, string> Cells
    {
        get
        {
            var cells = new TheoryData<string, string>();
            foreach (var row in Matrix)
            {
                foreach (var caller in Callers)
                {
                    cells.Add(row.Route, caller);
                }
            }

            return cells;
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Page_gives_each_caller_what_the_matrix_says(string route, string caller)
    {
        var expected = Expected(route, caller);

        var response = await app.Clients[caller].GetAsync(route, TestContext.Current.CancellationToken);

        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        switch (expected)
        {
            case Redirect redirect:
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                Assert.StartsWith(redirect.To, new Uri(new Uri("http://localhost"), response.Headers.Location!).PathAndQuery, StringComparison.Ordinal);
                break;
            case Page page:
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains(page.Text, html, StringComparison.Ordinal);
                break;
        }

        foreach (var foreign in ForeignData(route, caller))
        {
            Assert.DoesNotContain(foreign, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Matrix_has_a_row_for_every_page_route()
    {
        var templates = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes(typeof(Microsoft.AspNetCore.Components.RouteAttribute), inherit: false))
            .Cast<Microsoft.AspNetCore.Components.RouteAttribute>()
            .Select(r => r.Template)
            .ToList();

        Assert.NotEmpty(templates);
        Assert.All(templates, template =>
        {
            var pattern = "^" + System.Text.RegularExpressions.Regex.Replace(template, "\\{[^}]+\\}", "[^/]+") + "$";
            Assert.True(Matrix.Any(row => System.Text.RegularExpressions.Regex.IsMatch(row.Route, pattern)), $"no row of the walk matrix covers @page \"{template}\"");
        });
    }

    /// <summary>What <paramref name="caller"/> must never see on <paramref name="route"/>: the other account's ID and owner A's objects.</summary>
    private static string[] ForeignData(string route, string caller) => caller switch
    {
        "anonymous" => ["111111111111", "222222222222", MailSubject],
        // The policy editor offers every account and IAM principal of the installation as a principal (completion, wizard,
        // simulator), so it shows B's account ID to A by design of Features/Policies.
        "ownerA" when route.StartsWith($"/identities/{Identity}/policies/", StringComparison.Ordinal) => [],
        "ownerA" => ["222222222222"],
        "ownerB" or "iamUserB" => ["111111111111", MailSubject, "WalkStatement", $":role/{Role}", $":{Topic}", TemplateSubject],
        _ => [],
    };

    private static Outcome Expected(string route, string caller)
    {
        var row = Matrix.Single(r => r.Route == route);
        return caller switch
        {
            "anonymous" => row.Anonymous,
            "ownerA" => row.OwnerA,
            "ownerB" => row.OwnerB,
            "iamUserB" => row.IamUserB,
            "admin" => row.Admin,
            _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, "not a caller of the walk"),
        };
    }

    private abstract record Outcome;

    private sealed record Redirect(string To) : Outcome;

    private sealed record Page(string Text) : Outcome;

    [Fact]
    public async Task Logout_requires_antiforgery_and_ends_the_session()
    {
        var client = await app.Factory.SignInAsync("owner@example.com");

        var forged = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent([]), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var home = await client.GetStringAsync("/security-credentials", TestContext.Current.CancellationToken);
        var token = System.Text.RegularExpressions.Regex.Match(home, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var logout = await client.PostAsync("/Account/Logout",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        var after = await client.GetAsync("/", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task Wrong_password_shows_an_error_and_sets_no_cookie()
    {
        var client = app.Factory.CreateClient(new() { AllowAutoRedirect = false });

        var response = await ConsoleAppFactory.PostLoginAsync(client, "owner@example.com", "not-the-password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The user name or password is not correct.", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/", TestContext.Current.CancellationToken)).StatusCode);
    }

    /// <summary>The demo world, plus owner A's objects that the routes name, and one signed-in client per caller.</summary>
    public sealed class App : IAsyncLifetime
    {
        public ConsoleAppFactory Factory { get; } = new();

        public Dictionary<string, HttpClient> Clients { get; } = [];

        public async ValueTask InitializeAsync()
        {
            await SeedOwnerAObjectsAsync();
            Clients["anonymous"] = Factory.CreateClient(new() { AllowAutoRedirect = false });
            Clients["ownerA"] = await Factory.SignInAsync("owner@example.com");
            Clients["ownerB"] = await Factory.SignInAsync("delegate@example.com");
            Clients["iamUserB"] = await Factory.SignInAsync("222222222222/mailer");
            Clients["admin"] = await Factory.SignInAsync("admin@example.com");
        }

        private async Task SeedOwnerAObjectsAsync()
        {
            var ct = TestContext.Current.CancellationToken;
            var ownerA = new Caller("walk-a", "owner@example.com", "111111111111", null, "arn:aws:iam::111111111111:root", false);
            using (var scope = Factory.Services.CreateScope())
            {
                (await scope.ServiceProvider.GetRequiredService<IamService>().CreateAsync(ownerA, IamPrincipalType.Role, Role, "Role of the walk", ct)).GetValueOrThrow();
            }

            var now = DateTimeOffset.UtcNow;
            await using var db = await Factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(ct);
            var identity = new SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = "111111111111", Region = "us-east-1", Name = Identity, Type = SendingIdentityType.Domain,
                VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
            };
            identity.Policies.Add(new IdentityPolicyEntity
            {
                Id = Guid.NewGuid(), Name = IdentityPolicy, UpdatedAt = now, UpdatedBy = "walk",
                Document = $$"""
                    { "Version": "2012-10-17", "Statement": [ { "Sid": "WalkStatement", "Effect": "Allow", "Principal": { "AWS": "333333333333" },
                      "Action": "ses:SendEmail", "Resource": "{{identity.Arn}}" } ] }
                    """,
            });
            db.SendingIdentities.Add(identity);
            db.SnsTopics.Add(new SnsTopicEntity
            {
                Id = Guid.NewGuid(), AccountId = "111111111111", Region = "us-east-1", Name = Topic, Arn = $"arn:aws:sns:us-east-1:111111111111:{Topic}", CreatedAt = now,
            });
            db.ConfigurationSets.Add(new ConfigurationSetEntity { Id = Guid.NewGuid(), AccountId = "111111111111", Region = "us-east-1", Name = ConfigurationSet, CreatedAt = now });
            db.EmailTemplates.Add(new EmailTemplateEntity
            {
                Id = Guid.NewGuid(), AccountId = "111111111111", Region = "us-east-1", Name = Template, Subject = TemplateSubject, Text = "Hello {{name}}",
                Version = 1, CreatedAt = now, UpdatedAt = now,
            });
            db.SendAttempts.Add(new SendAttemptEntity
            {
                Id = Guid.NewGuid(), AccountId = "111111111111", OwnerAccountId = "111111111111", CallerArn = "arn:aws:iam::111111111111:root",
                IdentityArn = identity.Arn, Api = "SendEmail", Accepted = true, MessageId = Message, FromAddress = $"news@{Identity}", RecipientCount = 1, At = now,
            });
            db.MailboxMessages.Add(new MailboxMessageEntity
            {
                Id = Mail, AccountId = "111111111111", MessageId = "walk-mail@sesconsole.localhost", EnvelopeFrom = "no-reply@sesconsole.localhost",
                Recipients = $"news@{Identity}", Subject = MailSubject, ReceivedAt = now,
                Mime = Encoding.UTF8.GetBytes($"From: no-reply@sesconsole.localhost\r\nTo: news@{Identity}\r\nSubject: {MailSubject}\r\n\r\nHello A.\r\n"),
            });
            await db.SaveChangesAsync(ct);
        }

        public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
    }
}
