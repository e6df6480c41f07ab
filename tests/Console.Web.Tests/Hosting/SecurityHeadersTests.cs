using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Hosting;

/// <summary>The headers of real responses from the console on Kestrel (HTTP, and HTTPS with a throw-away certificate).</summary>
public sealed partial class SecurityHeadersTests
{
    [Fact]
    public async Task Pages_carry_a_nonce_based_policy_nosniff_referrer_and_frame_headers()
    {
        await using var app = Kestrel(new ConsoleAppFactory());
        using var client = await SignInAsync(app, "owner@example.com", ConsoleAppFactory.Password);

        foreach (var (path, status) in new[] { ("/", HttpStatusCode.OK), ("/identities", HttpStatusCode.OK), ("/Account/Login", HttpStatusCode.OK), ("/no-such-page", HttpStatusCode.NotFound) })
        {
            var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(status, response.StatusCode);
            var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
            var directives = policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .ToDictionary(d => d.Split(' ')[0], d => d[(d.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
            var nonce = Regex.Match(directives["script-src"], "^'self' 'nonce-([A-Za-z0-9+/=]+)'$").Groups[1].Value;

            Assert.NotEmpty(nonce);
            Assert.Equal("'self'", directives["default-src"]);
            Assert.Equal("'none'", directives["frame-ancestors"]);
            Assert.Equal("'none'", directives["object-src"]);
            Assert.DoesNotContain("unsafe", directives["script-src"], StringComparison.Ordinal);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));

            // The one inline script (Blazor's import map) carries this response's nonce; no other inline script exists.
            var page = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            var inline = InlineScript().Matches(page);
            Assert.Equal($"<script type=\"importmap\" nonce=\"{nonce}\">", Assert.Single(inline).Value);
        }

        var first = (await client.GetAsync("/", TestContext.Current.CancellationToken)).Headers.GetValues("Content-Security-Policy").Single();
        var second = (await client.GetAsync("/", TestContext.Current.CancellationToken)).Headers.GetValues("Content-Security-Policy").Single();
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Api_responses_get_nosniff_but_no_page_policy()
    {
        await using var app = Kestrel(new ConsoleAppFactory());
        using var client = new HttpClient { BaseAddress = app.ClientOptions.BaseAddress };

        var v1 = await client.PostAsync("/", new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = "ListIdentities" }), TestContext.Current.CancellationToken);
        var v2 = await client.GetAsync("/v2/email/account", TestContext.Current.CancellationToken);

        foreach (var response in new[] { v1, v2 })
        {
            Assert.False(response.IsSuccessStatusCode);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.False(response.Headers.Contains("Content-Security-Policy"));
        }

        Assert.Equal("text/xml", v1.Content.Headers.ContentType?.MediaType);
        Assert.True(v2.Headers.Contains("x-amzn-ErrorType"));
    }

    [Fact]
    public async Task Auth_cookie_is_not_secure_over_plain_http_in_development()
    {
        await using var app = Kestrel(new ConsoleAppFactory());

        var cookie = await AuthCookieAsync(app, "owner@example.com", ConsoleAppFactory.Password);

        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Auth_cookie_is_secure_over_https_in_development()
    {
        using var certificate = SelfSigned();
        var factory = new ConsoleAppFactory();
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        factory.StartServer();
        await using var app = factory;
        Assert.Equal("https", app.ClientOptions.BaseAddress.Scheme);

        var cookie = await AuthCookieAsync(app, "owner@example.com", ConsoleAppFactory.Password, certificate);

        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Auth_cookie_is_always_secure_outside_development_and_the_sign_in_page_says_https_is_needed()
    {
        var factory = new ConsoleAppFactory();
        factory.Settings["environment"] = "Production";
        factory.Settings["Demo:Seed"] = "false";
        factory.Settings["Bootstrap:AdminEmail"] = "boot@admin.example";
        factory.Settings["Bootstrap:AdminPassword"] = "Boot-Passw0rd!";
        await using var app = Kestrel(factory);
        using var client = new HttpClient { BaseAddress = app.ClientOptions.BaseAddress };

        var login = await client.GetAsync("/Account/Login", TestContext.Current.CancellationToken);
        var page = await login.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(login.IsSuccessStatusCode, page);
        var cookie = await AuthCookieAsync(app, "boot@admin.example", "Boot-Passw0rd!");

        Assert.Contains("Sign-in needs HTTPS", page, StringComparison.Ordinal);
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    private static ConsoleAppFactory Kestrel(ConsoleAppFactory factory)
    {
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        return factory;
    }

    private static HttpClient Client(ConsoleAppFactory app, X509Certificate2? trusted = null)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };
        if (trusted is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
                presented is not null && presented.GetCertHashString() == trusted.GetCertHashString();
        }

        return new HttpClient(handler) { BaseAddress = app.ClientOptions.BaseAddress };
    }

    private static async Task<HttpClient> SignInAsync(ConsoleAppFactory app, string userName, string password)
    {
        var client = Client(app);
        var response = await ConsoleAppFactory.PostLoginAsync(client, userName, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>The Set-Cookie header of the console's auth cookie after signing in.</summary>
    private static async Task<string> AuthCookieAsync(ConsoleAppFactory app, string userName, string password, X509Certificate2? trusted = null)
    {
        using var client = Client(app, trusted);
        var response = await ConsoleAppFactory.PostLoginAsync(client, userName, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("SesConsole.Auth=", StringComparison.Ordinal));
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>")]
    private static partial Regex InlineScript();
}
