using System.Net;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Hosting;

/// <summary>
/// Walks every page as anonymous, owner A (111111111111), owner B (222222222222), an IAM user of B and the admin, over
/// real HTTP against the real app and a real SQLite file. Pages are prerendered, so the HTML shows what each caller gets.
/// </summary>
public sealed class AuthorizationWalkTests(AuthorizationWalkTests.App app) : IClassFixture<AuthorizationWalkTests.App>
{
    public sealed class App : IAsyncLifetime
    {
        public ConsoleAppFactory Factory { get; } = new();

        public Dictionary<string, HttpClient> Clients { get; } = [];

        public async ValueTask InitializeAsync()
        {
            Clients["anonymous"] = Factory.CreateClient(new() { AllowAutoRedirect = false });
            Clients["ownerA"] = await Factory.SignInAsync("owner@example.com");
            Clients["ownerB"] = await Factory.SignInAsync("delegate@example.com");
            Clients["iamUserB"] = await Factory.SignInAsync("222222222222/mailer");
            Clients["admin"] = await Factory.SignInAsync("admin@example.com");
        }

        public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
    }

    public static TheoryData<string> Pages => ["/", "/security-credentials", "/iam/users", "/iam/roles", "/iam/users/mailer", "/admin/accounts", "/mailbox", "/identities", "/suppression", "/activity", "/granted"];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Anonymous_is_sent_to_sign_in(string page)
    {
        var response = await app.Clients["anonymous"].GetAsync(page, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ownerA", "/", "111111111111")]
    [InlineData("ownerB", "/", "222222222222")]
    [InlineData("ownerA", "/iam/users", "No IAM users yet")]
    [InlineData("ownerB", "/iam/users", "arn:aws:iam::222222222222:user/mailer")]
    [InlineData("ownerB", "/iam/users/mailer", "arn:aws:iam::222222222222:user/mailer")]
    [InlineData("ownerA", "/iam/users/mailer", "There is no IAM user named &#x27;mailer&#x27; in your account")]
    [InlineData("iamUserB", "/security-credentials", "arn:aws:iam::222222222222:user/mailer")]
    [InlineData("ownerA", "/security-credentials", "arn:aws:iam::111111111111:root")]
    [InlineData("admin", "/admin/accounts", "111111111111")]
    [InlineData("admin", "/", "You are a platform admin")]
    [InlineData("ownerA", "/mailbox", "No mail yet")]
    [InlineData("ownerA", "/identities", "No identities in us-east-1 yet")]
    public async Task Page_shows_the_callers_own_data(string caller, string page, string expected)
    {
        var html = await GetAsync(caller, page);

        Assert.Contains(expected, html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ownerA", "/admin/accounts")]
    [InlineData("ownerB", "/admin/accounts")]
    [InlineData("iamUserB", "/admin/accounts")]
    [InlineData("iamUserB", "/iam/users")]
    [InlineData("iamUserB", "/iam/users/mailer")]
    [InlineData("admin", "/iam/users")]
    [InlineData("admin", "/security-credentials")]
    [InlineData("admin", "/identities")]
    [InlineData("admin", "/suppression")]
    public async Task Page_of_another_role_is_refused(string caller, string page)
    {
        var response = await app.Clients[caller].GetAsync(page, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Owner_A_never_sees_owner_B_data_on_any_page()
    {
        foreach (var page in Pages)
        {
            var response = await app.Clients["ownerA"].GetAsync(page, TestContext.Current.CancellationToken);
            var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.DoesNotContain("222222222222", html, StringComparison.Ordinal);
        }
    }

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

    private async Task<string> GetAsync(string caller, string page)
    {
        var response = await app.Clients[caller].GetAsync(page, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }
}
