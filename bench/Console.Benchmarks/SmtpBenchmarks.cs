extern alias web;

using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Authentication;
using SesConsole.Domain.Identities;
using web::SesConsole.Web.Features.Iam;
using web::SesConsole.Web.Features.Identities;
using web::SesConsole.Web.Features.Policies;
using web::SesConsole.Web.Features.Principals;
using web::SesConsole.Web.Features.Smtp;

namespace SesConsole.Benchmarks;

/// <summary>
/// SMTP submissions end to end: MailKit clients (STARTTLS, AUTH with SES SMTP credentials) against the real listener of
/// the whole app in this process, over a real SQLite data directory; every message is a delegate send (IAM user
/// 222222222222/mailer) as owner 111111111111's DKIM-signing domain, allowed by its sending authorization policy, so it
/// runs the full send pipeline and is committed to the outbox before the 250 reply (delivery to the local sink runs
/// behind, in the app's delivery worker). Messages/s = 1 / mean (each benchmark invocation sends
/// <see cref="MessagesPerConnection"/> messages per connection; BenchmarkDotNet divides by the count).
/// Runs in-process (the app cannot be started from BenchmarkDotNet's generated project); the quota and the per-connection
/// command cap are lifted so they do not throttle the measurement.
/// Measured 2026-11-28 on the 2-core shared build box (two other engineers building and testing at the same time), short
/// job, `dotnet run -c Release --project bench/Console.Benchmarks -- --filter '*Smtp*'`, 2 KB text message, one recipient:
/// one connection 63.3 ms per message ≈ 16 messages/s; eight connections 41.2 ms per message ≈ 24 messages/s in all.
/// 2026-11-29, same box alone, after the send path's read cache and group-commit changes: one connection 46.8–51.7 ms
/// (≈ 20/s), eight 9.6 ms (≈ 105/s) — one connection was stalled by Nagle's algorithm against the client's delayed ACK
/// (40 ms per pipelined MAIL/RCPT/DATA group). With Nagle off on accepted connections (<c>SmtpSocketListener</c>):
/// one connection 6.2 ms per message (median 5.0 ms, ≈ 160/s), eight connections 1.23 ms per message (median 0.86 ms,
/// ≈ 810–1,160 messages/s in all), ≈ 185–370 KB allocated per message. Short job (3 iterations): the error columns are wide.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class SmtpBenchmarks : IDisposable
{
    private const int MessagesPerConnection = 25;
    private const int Concurrent = 8;
    private const string Identity = "arn:aws:ses:us-east-1:111111111111:identity/brand.example";

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("sesconsole-bench-smtp-").FullName;
    private App _app = null!;
    private readonly List<SmtpClient> _clients = [];
    private readonly List<MimeMessage> _messages = []; // one per connection: MimeKit content streams are not safe to write from two clients at once

    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("InProcessShort"));
    }

    private sealed class App(string dataDirectory) : WebApplicationFactory<web::Program>
    {
        public const string Password = "Bench-Passw0rd!";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseContentRoot(WebProjectDirectory());
            builder.UseSetting("Console:DataDirectory", dataDirectory);
            builder.UseSetting("Demo:Seed", "true");
            builder.UseSetting("Demo:Password", Password);
            builder.UseSetting("Urls", "");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("Smtp:Enabled", "true");
            builder.UseSetting("Smtp:Endpoints:0:Port", "0");
            builder.UseSetting("Smtp:MaxCommandsPerConnection", "100000000");
            builder.UseSetting("Smtp:SessionTimeout", "02:00:00");
        }
    }

    /// <summary>src/Console.Web, found upwards from the benchmark's binaries (the working directory may be anywhere).</summary>
    private static string WebProjectDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Console.Web");
            if (File.Exists(Path.Combine(candidate, "Console.Web.csproj")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("src/Console.Web not found above " + AppContext.BaseDirectory);
    }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _app = new App(_dataDirectory);
        var services = _app.Services;
        var listener = services.GetRequiredService<SmtpListener>();
        await listener.Started.WaitAsync(TimeSpan.FromSeconds(60));

        using var scope = services.CreateScope();
        var owner = await CallerAsync(scope.ServiceProvider, "owner@example.com");
        var delegateRoot = await CallerAsync(scope.ServiceProvider, "delegate@example.com");
        var created = await scope.ServiceProvider.GetRequiredService<IdentitiesService>().CreateDomainAsync(owner, "us-east-1", "brand.example", new NewDomainIdentity());
        Check(created.IsSuccess, "creating brand.example");
        await using (var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync())
        {
            var identity = await db.SendingIdentities.SingleAsync(i => i.Name == "brand.example");
            (identity.VerificationStatus, identity.DkimStatus, identity.DkimSigningEnabled) = (VerificationStatus.Success, VerificationStatus.Success, true);
            await db.Accounts.ExecuteUpdateAsync(a => a.SetProperty(x => x.MaxSendRate, 1_000_000).SetProperty(x => x.Max24HourSend, 1_000_000_000));
            await db.SaveChangesAsync();
        }

        var policy = $$"""
            { "Version": "2012-10-17", "Statement": [ { "Sid": "AllowAgency", "Effect": "Allow", "Principal": { "AWS": "222222222222" },
              "Action": "ses:SendRawEmail", "Resource": "{{Identity}}" } ] }
            """;
        var saved = await scope.ServiceProvider.GetRequiredService<IdentityPoliciesService>().SaveAsync(owner, "us-east-1", "brand.example", null, "AllowAgency", policy);
        Check(saved.IsSuccess, "saving the policy");
        var key = (await scope.ServiceProvider.GetRequiredService<AccessKeysService>().CreateAsync(delegateRoot, "mailer")).Value!;
        var password = SmtpCredentials.DerivePassword(key.Secret, listener.Region);

        string thumbprint;
        using (var certificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(_dataDirectory, "smtp-selfsigned.pfx"), password: null))
        {
            thumbprint = certificate.GetCertHashString();
        }

        for (var i = 0; i < Concurrent; i++)
        {
            var client = new SmtpClient { ServerCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint };
            await client.ConnectAsync("127.0.0.1", listener.PortFor(implicitTls: false), SecureSocketOptions.StartTls);
            await client.AuthenticateAsync(key.Id, password);
            _clients.Add(client);
        }

        for (var i = 0; i < Concurrent; i++)
        {
            var message = new MimeMessage();
            message.From.Add(new MailboxAddress("Brand News", "news@brand.example"));
            message.To.Add(MailboxAddress.Parse("reader@customer.example"));
            message.Subject = "Weekly news";
            message.Headers.Add("X-SES-SOURCE-ARN", Identity);
            message.Headers.Add("X-SES-FROM-ARN", Identity);
            message.Body = new TextPart("plain") { Text = string.Concat(Enumerable.Repeat("The news of the week, in about two kilobytes of text.\n", 40)) };
            _messages.Add(message);
        }

        // One message through before measuring: the reply must be the pipeline's 250, not a rejection.
        var reply = await _clients[0].SendAsync(_messages[0]);
        Check(reply.StartsWith("Ok ", StringComparison.Ordinal), "the first send: " + reply);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = MessagesPerConnection)]
    public async Task OneConnection() => await SendAsync(0);

    [Benchmark(OperationsPerInvoke = MessagesPerConnection * Concurrent)]
    public async Task EightConnections() => await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(SendAsync));

    private async Task SendAsync(int connection)
    {
        for (var i = 0; i < MessagesPerConnection; i++)
        {
            await _clients[connection].SendAsync(_messages[connection]);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisconnectAsync(quit: true);
            client.Dispose();
        }

        Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing background thread; the OS temp cleaner takes it.
        }
    }

    public void Dispose()
    {
        _messages.ForEach(m => m.Dispose());
        _app?.Dispose();
        GC.SuppressFinalize(this);
    }

    private static async Task<Caller> CallerAsync(IServiceProvider services, string userName)
    {
        var users = services.GetRequiredService<UserManager<ConsoleUser>>();
        var user = await users.FindByNameAsync(userName) ?? throw new InvalidOperationException($"{userName} was not seeded");
        return Caller.From(await services.GetRequiredService<IUserClaimsPrincipalFactory<ConsoleUser>>().CreateAsync(user))!;
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("SmtpBenchmarks setup failed: " + what);
        }
    }
}
