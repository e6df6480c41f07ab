using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SesConsole.Data;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Hosting;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Hosting;

/// <summary>
/// The Data Protection key ring lives in the database (docs/deployment.md#data-protection). Two hosts stand in for two
/// nodes: each has its own data directory (so no key file is shared) and both use node A's SQLite file.
/// </summary>
public sealed partial class DataProtectionKeyRingTests
{
    private static readonly Caller Owner = new("dp-owner", "owner@example.com", "111111111111", null, "arn:aws:iam::111111111111:root", false);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A second node: its own data directory, node <paramref name="first"/>'s database.</summary>
    private static ConsoleAppFactory SecondNode(ConsoleAppFactory first, Action<IServiceCollection>? configureServices = null)
    {
        var second = new ConsoleAppFactory { ConfigureServices = configureServices };
        second.Settings["Database:ConnectionString"] = $"Data Source={Path.Combine(first.DataDirectory, "sesconsole.db")}";
        foreach (var (key, value) in first.Settings.Where(s => s.Key.StartsWith("DataProtection:", StringComparison.Ordinal)))
        {
            second.Settings[key] = value;
        }

        return second;
    }

    [Fact]
    public async Task An_access_key_created_on_one_node_signs_on_another()
    {
        await using var a = new ConsoleAppFactory();
        var key = (await Service<AccessKeysService>(a).CreateAsync(Owner, null, Ct)).Value!;
        await using var b = SecondNode(a);

        var onB = await Service<AccessKeysService>(b).FindForSigningAsync(key.Id, Ct);

        Assert.Equal(key.Secret, onB?.Secret);
        Assert.False(Directory.Exists(Path.Combine(a.DataDirectory, "keys")), "no key file is written any more");
        Assert.Equal(1, await KeyCountAsync(a));
    }

    [Fact]
    public async Task The_sign_in_form_of_one_node_posts_to_another_and_its_cookie_is_accepted_by_the_first()
    {
        await using var a = new ConsoleAppFactory();
        await using var b = SecondNode(a);
        _ = a.Services;
        using var clientA = a.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var clientB = b.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        // The anti-forgery cookie and token come from A; the form is posted to B.
        using var form = await clientA.GetAsync("/Account/Login", Ct);
        var token = TokenPattern().Match(await form.Content.ReadAsStringAsync(Ct)).Groups[1].Value;
        using var login = new HttpRequestMessage(HttpMethod.Post, "/Account/Login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["_handler"] = "login",
                ["Input.UserName"] = "admin@example.com", ["Input.Password"] = ConsoleAppFactory.Password,
            }),
        };
        login.Headers.Add("Cookie", Cookies(form));
        using var signedIn = await clientB.SendAsync(login, Ct);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        // B's sign-in cookie opens an admin page on A.
        using var page = new HttpRequestMessage(HttpMethod.Get, "/admin/accounts");
        page.Headers.Add("Cookie", Cookies(signedIn));
        using var onA = await clientA.SendAsync(page, Ct);
        using var anonymous = await clientA.GetAsync("/admin/accounts", Ct);

        Assert.Equal(HttpStatusCode.OK, onA.StatusCode);
        Assert.Contains("111111111111", await onA.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
    }

    [Fact]
    public async Task A_file_key_ring_of_an_earlier_version_is_imported_once_and_its_secrets_still_decrypt()
    {
        var logs = new CapturingLoggerProvider();
        await using var a = new ConsoleAppFactory { ConfigureServices = s => s.AddSingleton<ILoggerProvider>(logs) };
        var keys = Path.Combine(a.DataDirectory, "keys");
        var old = await ProtectWithFileKeyRingAsync(keys, "an old secret");
        var files = Directory.GetFiles(keys, "*.xml");

        // The start seeds the demo world (access keys): with the imported key, not a new one.
        var readable = Service<IDataProtectionProvider>(a).CreateProtector("SesConsole.AccessKeys.Secret.v1").Unprotect(old);

        Assert.Equal("an old secret", readable);
        Assert.Equal(files.Length, await KeyCountAsync(a));
        Assert.All(files, f => Assert.True(File.Exists(f)));
        var imported = Assert.Single(logs.Entries, e => e.Category == typeof(DataProtectionKeyImport).FullName && e.Message.StartsWith("Imported", StringComparison.Ordinal));
        Assert.Contains($"Imported {files.Length} Data Protection key(s) from {keys}", imported.Message, StringComparison.Ordinal);

        // A second node with the same files in its directory finds keys in the database and imports nothing.
        await using var b = SecondNode(a);
        b.Settings["Console:DataDirectory"] = a.DataDirectory;
        Assert.Equal("an old secret", Service<IDataProtectionProvider>(b).CreateProtector("SesConsole.AccessKeys.Secret.v1").Unprotect(old));
        Assert.Equal(files.Length, await KeyCountAsync(a));
    }

    [Fact]
    public async Task With_a_certificate_an_imported_file_key_is_stored_encrypted_and_its_secrets_still_decrypt()
    {
        await using var a = new ConsoleAppFactory();
        var old = await ProtectWithFileKeyRingAsync(Path.Combine(a.DataDirectory, "keys"), "an old secret");
        var (path, _) = WriteCertificate(a.DataDirectory, "current", "pfx-Passw0rd");
        a.Settings["DataProtection:Certificate:Path"] = path;
        a.Settings["DataProtection:Certificate:Password"] = "pfx-Passw0rd";

        var readable = Service<IDataProtectionProvider>(a).CreateProtector("SesConsole.AccessKeys.Secret.v1").Unprotect(old);

        Assert.Equal("an old secret", readable);
        var xml = await SingleKeyXmlAsync(a);
        Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        await using var b = SecondNode(a);
        Assert.Equal("an old secret", Service<IDataProtectionProvider>(b).CreateProtector("SesConsole.AccessKeys.Secret.v1").Unprotect(old));
    }

    [Fact]
    public async Task Without_a_certificate_the_start_warns_that_keys_are_stored_unencrypted()
    {
        var logs = new CapturingLoggerProvider();
        await using var a = new ConsoleAppFactory { ConfigureServices = s => s.AddSingleton<ILoggerProvider>(logs) };

        _ = a.Services;

        var warning = Assert.Single(logs.Entries, e => e.Category == typeof(DataProtectionKeyImport).FullName);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.StartsWith("Data Protection keys are stored in the database UNENCRYPTED", warning.Message, StringComparison.Ordinal);
        Assert.Contains("<masterKey", await SingleKeyXmlAsync(a), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_certificate_stored_keys_are_encrypted_and_both_nodes_read_them()
    {
        await using var a = new ConsoleAppFactory();
        var (path, _) = WriteCertificate(a.DataDirectory, "current", "pfx-Passw0rd");
        a.Settings["DataProtection:Certificate:Path"] = path;
        a.Settings["DataProtection:Certificate:Password"] = "pfx-Passw0rd";
        var key = (await Service<AccessKeysService>(a).CreateAsync(Owner, null, Ct)).Value!;
        await using var b = SecondNode(a);

        var onB = await Service<AccessKeysService>(b).FindForSigningAsync(key.Id, Ct);

        Assert.Equal(key.Secret, onB?.Secret);
        var xml = await SingleKeyXmlAsync(a);
        Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_certificate_rotation_keys_written_under_the_previous_one_still_decrypt()
    {
        await using var a = new ConsoleAppFactory();
        var (oldPath, _) = WriteCertificate(a.DataDirectory, "old", "old-Passw0rd");
        a.Settings["DataProtection:Certificate:Path"] = oldPath;
        a.Settings["DataProtection:Certificate:Password"] = "old-Passw0rd";
        var key = (await Service<AccessKeysService>(a).CreateAsync(Owner, null, Ct)).Value!;
        await using var b = SecondNode(a);
        var (newPath, newThumbprint) = WriteCertificate(b.DataDirectory, "new", "new-Passw0rd");
        b.Settings["DataProtection:Certificate:Path"] = newPath;
        b.Settings["DataProtection:Certificate:Password"] = "new-Passw0rd";
        b.Settings["DataProtection:Certificate:Previous:0:Path"] = oldPath;
        b.Settings["DataProtection:Certificate:Previous:0:Password"] = "old-Passw0rd";

        var onB = await Service<AccessKeysService>(b).FindForSigningAsync(key.Id, Ct);

        Assert.Equal(key.Secret, onB?.Secret);
        Assert.Equal(newThumbprint, Service<DataProtectionStorage>(b).CertificateThumbprint);
    }

    [Fact]
    public async Task A_missing_certificate_file_stops_the_start_and_names_the_setting()
    {
        await using var a = new ConsoleAppFactory();
        var path = Path.Combine(a.DataDirectory, "absent.pfx");
        a.Settings["DataProtection:Certificate:Path"] = path;

        var error = Record.Exception(() => a.Services);

        var failure = Assert.IsType<InvalidOperationException>(error is AggregateException aggregate ? aggregate.InnerException : error);
        Assert.Equal($"DataProtection:Certificate:Path: the certificate file '{path}' does not exist.", failure.Message);
    }

    /// <summary>As an earlier version did: a key ring in files under <paramref name="directory"/>, protecting <paramref name="secret"/> as access-key secrets are.</summary>
    private static async Task<string> ProtectWithFileKeyRingAsync(string directory, string secret)
    {
        var legacy = new ServiceCollection();
        legacy.AddDataProtection().SetApplicationName(DataProtectionSetup.ApplicationName).PersistKeysToFileSystem(new DirectoryInfo(directory));
        await using var provider = legacy.BuildServiceProvider();
        return provider.GetRequiredService<IDataProtectionProvider>().CreateProtector("SesConsole.AccessKeys.Secret.v1").Protect(secret);
    }

    private static T Service<T>(ConsoleAppFactory app) where T : notnull => app.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private static async Task<int> KeyCountAsync(ConsoleAppFactory app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        return await db.DataProtectionKeys.CountAsync(Ct);
    }

    private static async Task<string> SingleKeyXmlAsync(ConsoleAppFactory app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        return (await db.DataProtectionKeys.SingleAsync(Ct)).Xml!;
    }

    /// <summary>A self-signed RSA certificate with its private key, as a password-protected PFX file.</summary>
    private static (string Path, string Thumbprint) WriteCertificate(string directory, string name, string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=SesConsole test {name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(directory, $"{name}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return (path, certificate.Thumbprint);
    }

    /// <summary>The <c>name=value</c> pairs of a response's <c>Set-Cookie</c> headers, as a <c>Cookie</c> header.</summary>
    private static string Cookies(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';', 2)[0]));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    private sealed record LogEntry(string Category, LogLevel Level, string Message);

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<LogEntry> _entries = new();

        public IReadOnlyList<LogEntry> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception)));
        }
    }
}
