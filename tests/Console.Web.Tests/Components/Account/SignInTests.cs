using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Data.Entities;
using SesConsole.Web.Components.Account;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Components.Account;

/// <summary>
/// The sign-in form posted by real HttpClients to the real console on Kestrel, from two client addresses (127.0.0.1 and
/// 127.0.0.2), with the console's clock under the test's control. Defaults: 5 free failures per user name, 20 per address,
/// then 1 s doubling to at most 60 s.
/// </summary>
public sealed partial class SignInTests : IAsyncDisposable
{
    private const string Owner = "owner@example.com";
    private const string Unknown = "nobody@example.com";
    private static readonly IPAddress AddressA = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress AddressB = IPAddress.Parse("127.0.0.2");

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly List<HttpClient> _clients = [];
    private CountingPasswordHasher? _hasher;
    private ConsoleAppFactory _app = default!;

    private void Start()
    {
        _app = new ConsoleAppFactory
        {
            Time = _time,
            ConfigureServices = services =>
            {
                services.AddScoped<IPasswordHasher<ConsoleUser>>(_ => _hasher = new CountingPasswordHasher());
            },
        };
        _app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app.StartServer();
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_answer_before_and_after_repeated_failures()
    {
        Start();
        var a = ClientFrom(AddressA);
        var b = ClientFrom(AddressB);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(ConsoleSignIn.WrongCredentials, await SignInAsync(a, Owner, "not-the-password"));
            Assert.Equal(ConsoleSignIn.WrongCredentials, await SignInAsync(b, Unknown, "not-the-password"));
        }

        var known = await SignInAsync(a, Owner, "not-the-password");
        var unknown = await SignInAsync(b, Unknown, "not-the-password");

        Assert.Equal("Too many sign-in attempts. Try again in 1 second.", known);
        Assert.Equal(known, unknown);
    }

    [Fact]
    public async Task After_five_failures_the_wait_is_stated_and_the_right_password_also_waits_until_it_passes()
    {
        Start();
        var a = ClientFrom(AddressA);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(ConsoleSignIn.WrongCredentials, await SignInAsync(a, Owner, "not-the-password"));
        }

        Assert.Equal("Too many sign-in attempts. Try again in 1 second.", await SignInAsync(a, Owner, ConsoleAppFactory.Password));
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal("Too many sign-in attempts. Try again in 1 second.", await SignInAsync(a, Owner, ConsoleAppFactory.Password));
        _time.Advance(TimeSpan.FromMilliseconds(500));

        Assert.Null(await SignInAsync(a, Owner, ConsoleAppFactory.Password));

        // Signing in cleared the user name's failures: the next mistake is not slowed.
        Assert.Equal(ConsoleSignIn.WrongCredentials, await SignInAsync(ClientFrom(AddressA), Owner, "not-the-password"));
    }

    [Fact]
    public async Task Waits_double_up_to_a_minute_and_never_become_an_identity_lockout()
    {
        Start();
        var a = ClientFrom(AddressA);
        var waits = new List<int>();
        for (var failures = 0; failures < 14;)
        {
            var answer = await SignInAsync(a, Owner, "not-the-password");
            if (answer == ConsoleSignIn.WrongCredentials)
            {
                failures++;
                continue;
            }

            var seconds = int.Parse(WaitPattern().Match(answer!).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            waits.Add(seconds);
            _time.Advance(TimeSpan.FromSeconds(seconds));
        }

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], waits);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var user = await scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>().FindByNameAsync(Owner);
            Assert.Null(user!.LockoutEnd);
            Assert.Equal(0, user.AccessFailedCount);
        }

        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Null(await SignInAsync(a, Owner, ConsoleAppFactory.Password));
    }

    [Fact]
    public async Task Failures_from_one_address_hold_the_user_elsewhere_only_for_the_per_user_wait()
    {
        Start();
        var a = ClientFrom(AddressA);
        var b = ClientFrom(AddressB);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(ConsoleSignIn.WrongCredentials, await SignInAsync(a, Owner, "not-the-password"));
        }

        for (var i = 0; i < 15; i++)
        {
            Assert.Equal(ConsoleSignIn.WrongCredentials, await SignInAsync(a, $"guess{i}@example.com", "not-the-password"));
        }

        // The user name's limit holds at every address; the address's limit holds for every user name.
        Assert.Equal("Too many sign-in attempts. Try again in 1 second.", await SignInAsync(b, Owner, ConsoleAppFactory.Password));
        Assert.Equal("Too many sign-in attempts. Try again in 1 second.", await SignInAsync(a, "delegate@example.com", ConsoleAppFactory.Password));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ConsoleSignIn.WrongCredentials, await SignInAsync(a, "guess-more@example.com", "not-the-password"));

        Assert.Null(await SignInAsync(b, Owner, ConsoleAppFactory.Password));
        Assert.Equal("Too many sign-in attempts. Try again in 2 seconds.", await SignInAsync(a, "delegate@example.com", ConsoleAppFactory.Password));
        Assert.Null(await SignInAsync(b, "delegate@example.com", ConsoleAppFactory.Password));
    }

    [Fact]
    public async Task Iam_user_name_is_throttled_case_insensitively()
    {
        Start();
        var a = ClientFrom(AddressA);
        var b = ClientFrom(AddressB);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(ConsoleSignIn.WrongCredentials, await SignInAsync(i % 2 == 0 ? a : b, i % 2 == 0 ? "222222222222/mailer" : " 222222222222/MAILER ", "not-the-password"));
        }

        Assert.Equal("Too many sign-in attempts. Try again in 1 second.", await SignInAsync(b, "222222222222/mailer", ConsoleAppFactory.Password));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await SignInAsync(b, "222222222222/mailer", ConsoleAppFactory.Password));
    }

    [Fact]
    public async Task A_lockout_set_by_an_administrator_still_blocks_and_is_told_only_to_the_right_password()
    {
        Start();
        await SetLockoutEndAsync(Owner, DateTimeOffset.MaxValue);
        var a = ClientFrom(AddressA);

        Assert.Equal(ConsoleSignIn.WrongCredentials, await SignInAsync(a, Owner, "not-the-password"));
        Assert.Equal(ConsoleSignIn.LockedByAdministrator, await SignInAsync(a, Owner, ConsoleAppFactory.Password));

        await SetLockoutEndAsync(Owner, null);
        Assert.Null(await SignInAsync(a, Owner, ConsoleAppFactory.Password));
    }

    [Fact]
    public async Task An_unknown_user_costs_the_same_password_hash_check_as_a_known_one()
    {
        Start();
        var a = ClientFrom(AddressA);

        Assert.Equal(ConsoleSignIn.WrongCredentials, await SignInAsync(a, Owner, "not-the-password"));
        var known = _hasher!.Verifications;
        Assert.Equal(ConsoleSignIn.WrongCredentials, await SignInAsync(a, Unknown, "not-the-password"));
        var unknown = _hasher!.Verifications;

        Assert.Equal(1, known);
        Assert.Equal(1, unknown);
    }

    /// <summary>Posts the form (with its anti-forgery token); null when signed in (302), else the page's error text.</summary>
    private static async Task<string?> SignInAsync(HttpClient client, string userName, string password)
    {
        var response = await ConsoleAppFactory.PostLoginAsync(client, userName, password);
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            return null;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var error = ErrorPattern().Match(page);
        Assert.True(error.Success, "The sign-in page shows no error.");
        return WebUtility.HtmlDecode(error.Groups[1].Value);
    }

    /// <summary>A client whose connections come from <paramref name="local"/> (any 127.0.0.0/8 address reaches the server).</summary>
    private HttpClient ClientFrom(IPAddress local)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = _app.ClientOptions.BaseAddress };
        _clients.Add(client);
        return client;
    }

    private async Task SetLockoutEndAsync(string userName, DateTimeOffset? end)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var user = await users.FindByNameAsync(userName);
        Assert.True((await users.SetLockoutEndDateAsync(user!, end)).Succeeded);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [GeneratedRegex("<div class=\"error\" role=\"alert\">([^<]*)</div>")]
    private static partial Regex ErrorPattern();

    [GeneratedRegex(@"Try again in (\d+) seconds?\.")]
    private static partial Regex WaitPattern();

    /// <summary>Identity's hasher, counting the password checks of one request scope.</summary>
    private sealed class CountingPasswordHasher : IPasswordHasher<ConsoleUser>
    {
        private readonly PasswordHasher<ConsoleUser> _inner = new();

        public int Verifications { get; private set; }

        public string HashPassword(ConsoleUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(ConsoleUser user, string hashedPassword, string providedPassword)
        {
            Verifications++;
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
