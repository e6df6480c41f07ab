using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Sending;
using SesConsole.Web.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Sending;

/// <summary>
/// The send path reads identities, policies, accounts, IAM policies and suppression lists through
/// <see cref="SendingReadCache"/>. Every change made through the console must apply to the very next send: each test
/// warms the cache with a send, changes one thing the way a user would, and sends again.
/// </summary>
public sealed class SendingReadCacheTests(AppFixture app) : IClassFixture<AppFixture>
{
    private const string Domain = "cached.example";
    private const string Arn = "arn:aws:ses:us-east-1:111111111111:identity/" + Domain;
    private const string Policy = """
        { "Version": "2012-10-17", "Statement": [ { "Sid": "AllowAgency", "Effect": "Allow", "Principal": { "AWS": "222222222222" },
          "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "arn:aws:ses:us-east-1:111111111111:identity/cached.example" } ] }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task EnsureGrantedAsync()
    {
        await using var db = app.Db();
        var identity = await db.SendingIdentities.Include(i => i.Policies).SingleOrDefaultAsync(i => i.Name == Domain, Ct);
        if (identity is null)
        {
            await app.Get<IdentitiesService>().CreateDomainAsync(app.OwnerA, "us-east-1", Domain, new NewDomainIdentity { DkimKeyLength = 1024 }, Ct);
            identity = await db.SendingIdentities.Include(i => i.Policies).SingleAsync(i => i.Name == Domain, Ct);
            identity.VerificationStatus = VerificationStatus.Success;
            await db.SaveChangesAsync(Ct);
        }

        if (identity.Policies.Count == 0)
        {
            Assert.True((await app.Get<IdentityPoliciesService>().CreateAsync(app.OwnerA, "us-east-1", Domain, "Agency", Policy, Ct)).IsSuccess);
        }

        Assert.True((await app.Get<IamService>().PutPolicyAsync(app.OwnerB, IamPrincipalType.User, "mailer", "AllowSesSend",
            """{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "ses:Send*", "Resource": "*" } ] }""", ct: Ct)).IsSuccess);
        Assert.True((await app.Get<AccountsService>().SetFlagsAsync(app.Admin, "222222222222", sandbox: false, sendingEnabled: true, Ct)).IsSuccess);
    }

    private async Task<SendOutcome> SendAsync(string to = "reader@customer.example", bool dryRun = false)
    {
        var service = app.Get<SendService>();
        var caller = await service.CallerAsync(app.IamUserB, "127.0.0.1", secureTransport: true, Ct);
        var request = new SendRequest(caller, SendApi.V2Simple, "us-east-1", DateTimeOffset.UtcNow, new SimpleContent([to], Subject: "Hi", TextBody: "Body"))
        {
            Source = "news@" + Domain,
            FromArn = Arn,
            DryRun = dryRun,
        };
        return await service.SendAsync(request, "Test", Ct);
    }

    [Fact]
    public async Task Deleting_the_owners_policy_denies_the_next_send()
    {
        await EnsureGrantedAsync();
        Assert.True((await SendAsync()).IsAccepted);

        Assert.True((await app.Get<IdentityPoliciesService>().DeleteAsync(app.OwnerA, "us-east-1", Domain, "Agency", Ct)).IsSuccess);

        Assert.Equal("AccessDenied", (await SendAsync()).Rejection?.V1.Code);
    }

    [Fact]
    public async Task Adding_an_owner_Deny_denies_the_next_send()
    {
        await EnsureGrantedAsync();
        Assert.True((await SendAsync()).IsAccepted);

        var deny = Policy.Replace("\"Allow\"", "\"Deny\"", StringComparison.Ordinal).Replace("AllowAgency", "DenyAgency", StringComparison.Ordinal);
        Assert.True((await app.Get<IdentityPoliciesService>().CreateAsync(app.OwnerA, "us-east-1", Domain, "Stop", deny, Ct)).IsSuccess);
        try
        {
            Assert.Equal("AccessDenied", (await SendAsync()).Rejection?.V1.Code);
        }
        finally
        {
            await app.Get<IdentityPoliciesService>().DeleteAsync(app.OwnerA, "us-east-1", Domain, "Stop", Ct);
        }
    }

    [Fact]
    public async Task Deleting_the_delegates_IAM_policy_denies_the_next_cross_account_send()
    {
        await EnsureGrantedAsync();
        Assert.True((await SendAsync()).IsAccepted);

        Assert.True((await app.Get<IamService>().DeletePolicyAsync(app.OwnerB, IamPrincipalType.User, "mailer", "AllowSesSend", Ct)).IsSuccess);

        Assert.Equal("AccessDenied", (await SendAsync()).Rejection?.V1.Code);
    }

    [Fact]
    public async Task Pausing_the_delegate_account_rejects_its_next_send()
    {
        await EnsureGrantedAsync();
        Assert.True((await SendAsync()).IsAccepted);

        Assert.True((await app.Get<AccountsService>().SetFlagsAsync(app.Admin, "222222222222", sandbox: false, sendingEnabled: false, Ct)).IsSuccess);
        try
        {
            var outcome = await SendAsync();
            Assert.False(outcome.IsAccepted);
            Assert.Equal("AccountSendingPausedException", outcome.Rejection?.V1.Code);
        }
        finally
        {
            await app.Get<AccountsService>().SetFlagsAsync(app.Admin, "222222222222", sandbox: false, sendingEnabled: true, Ct);
        }
    }

    [Fact]
    public async Task Suppressing_and_unsuppressing_an_address_applies_to_the_next_send()
    {
        await EnsureGrantedAsync();
        const string To = "cached-reader@customer.example";
        Assert.True((await SendAsync(To)).IsAccepted);
        var suppression = app.Get<SuppressionService>();

        Assert.True((await suppression.PutAsync(app.OwnerB, To, "BOUNCE", Ct)).IsSuccess);
        var suppressed = await SendAsync(To);
        Assert.True(suppressed.IsAccepted);
        Assert.Empty(suppressed.Accepted!.TransportRecipients); // accepted, then bounced OnAccountSuppressionList

        Assert.True((await suppression.DeleteAsync(app.OwnerB, To, Ct)).IsSuccess);
        Assert.Equal([To], (await SendAsync(To)).Accepted!.TransportRecipients);
    }

    [Fact]
    public async Task A_change_saved_inside_a_transaction_is_seen_once_it_commits_even_if_a_send_read_in_between()
    {
        await EnsureGrantedAsync();
        Assert.True((await SendAsync()).IsAccepted);

        await using var db = app.Db();
        await using var tx = await db.Database.BeginTransactionAsync(Ct);
        var policy = await db.IdentityPolicies.SingleAsync(p => p.Name == "Agency" && db.SendingIdentities.Any(i => i.Id == p.IdentityId && i.Name == Domain), Ct);
        db.IdentityPolicies.Remove(policy);
        await db.SaveChangesAsync(Ct);
        // Not committed yet: a send (a dry run, as SQLite's write lock is held) still reads the old policy, and caches it.
        Assert.True((await SendAsync(dryRun: true)).IsAccepted);
        await tx.CommitAsync(Ct);

        Assert.Equal("AccessDenied", (await SendAsync()).Rejection?.V1.Code);
    }

    [Fact]
    public async Task A_load_that_raced_with_an_invalidation_is_not_kept()
    {
        var cache = new SendingReadCache(new FakeTimeProvider(), Options.Create(new SendingReadCacheOptions()));
        var gate = new TaskCompletionSource();
        var loads = 0;
        async Task<int> LoadAsync(string key, CancellationToken ct)
        {
            var n = Interlocked.Increment(ref loads);
            if (n == 1)
            {
                await gate.Task; // the first load is slow: the data changes while it runs
            }

            return n;
        }

        var slow = cache.GetAsync(SendingData.Accounts, "a", LoadAsync, Ct).AsTask();
        cache.Invalidate(SendingData.Accounts);
        gate.SetResult();
        Assert.Equal(1, await slow);

        Assert.Equal(2, await cache.GetAsync(SendingData.Accounts, "a", LoadAsync, Ct)); // the raced value was not kept
        Assert.Equal(2, await cache.GetAsync(SendingData.Accounts, "a", LoadAsync, Ct)); // this one was
        cache.Invalidate(SendingData.Identities | SendingData.Suppression);
        Assert.Equal(2, await cache.GetAsync(SendingData.Accounts, "a", LoadAsync, Ct)); // other families are untouched
    }

    [Fact]
    public async Task Entries_expire_after_the_lifetime_and_a_zero_lifetime_turns_the_cache_off()
    {
        var time = new FakeTimeProvider();
        var cache = new SendingReadCache(time, Options.Create(new SendingReadCacheOptions { Lifetime = TimeSpan.FromSeconds(10) }));
        var loads = 0;
        Task<int> LoadAsync(string key, CancellationToken ct) => Task.FromResult(Interlocked.Increment(ref loads));

        Assert.Equal(1, await cache.GetAsync(SendingData.Iam, "k", LoadAsync, Ct));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(1, await cache.GetAsync(SendingData.Iam, "k", LoadAsync, Ct));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, await cache.GetAsync(SendingData.Iam, "k", LoadAsync, Ct));

        var off = new SendingReadCache(time, Options.Create(new SendingReadCacheOptions { Lifetime = TimeSpan.Zero }));
        Assert.Equal(3, await off.GetAsync(SendingData.Iam, "k", LoadAsync, Ct));
        Assert.Equal(4, await off.GetAsync(SendingData.Iam, "k", LoadAsync, Ct));
    }
}
