using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Web.Features.Mail;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Mail;

/// <summary>
/// GET /mailbox/{id}/raw over HTTP, hosted on a TestServer with the real endpoint and service over the fixture's SQLite
/// database; a header stands in for the sign-in cookie (the cookie sign-in itself is covered by the authorization walk).
/// </summary>
public sealed class MailboxEndpointsTests(AppFixture app) : IClassFixture<AppFixture>
{
    private const string CallerHeader = "X-Test-Caller";

    private async Task<WebApplication> HostAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication("Test").AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>("Test", null);
        builder.Services.AddAuthorization();
        builder.Services.AddSingleton(app.Factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>());
        builder.Services.AddScoped<MailboxService>();
        var web = builder.Build();
        web.UseAuthentication();
        web.UseAuthorization();
        web.MapMailboxEndpoints();
        await web.StartAsync(TestContext.Current.CancellationToken);
        return web;
    }

    private async Task<(Guid Id, byte[] Mime)> SendAsync(string account)
    {
        var time = TimeProvider.System;
        var message = new MailComposer(new MailOptions(), time).Compose(new ProductMail(account, "to@example.com", "Raw download", "Body"));
        var sink = new LocalSinkTransport(app.Factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>(), time, null, NullLogger<LocalSinkTransport>.Instance);
        var messageId = (await sink.SendAsync(message, TestContext.Current.CancellationToken)).GetValueOrThrow();
        await using var db = app.Db();
        return (await db.MailboxMessages.Where(m => m.MessageId == messageId).Select(m => m.Id).SingleAsync(TestContext.Current.CancellationToken), message.Mime);
    }

    private static async Task<HttpResponseMessage> GetAsync(WebApplication web, string path, string? caller)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (caller is not null)
        {
            request.Headers.Add(CallerHeader, caller);
        }

        return await web.GetTestClient().SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Raw_for_the_owner_returns_the_exact_bytes_as_rfc822()
    {
        var (id, mime) = await SendAsync("222222222222");
        await using var web = await HostAsync();

        using var response = await GetAsync(web, $"/mailbox/{id}/raw", "222222222222");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("message/rfc822", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{id:N}.eml", response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(mime, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("111111111111", HttpStatusCode.NotFound)]
    [InlineData("admin", HttpStatusCode.OK)]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    public async Task Raw_of_account_Bs_message_is_scoped_by_caller(string? caller, HttpStatusCode expected)
    {
        var (id, _) = await SendAsync("222222222222");
        await using var web = await HostAsync();

        using var response = await GetAsync(web, $"/mailbox/{id}/raw", caller);

        Assert.Equal(expected, response.StatusCode);
    }

    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(CallerHeader, out var value) || value.ToString() is not { Length: > 0 } caller)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            List<Claim> claims = [new(ClaimTypes.NameIdentifier, caller), new(ClaimTypes.Name, caller)];
            claims.Add(caller == "admin" ? new Claim(ClaimTypes.Role, Caller.AdminRole) : new Claim(Caller.AccountClaim, caller));
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
        }
    }
}
