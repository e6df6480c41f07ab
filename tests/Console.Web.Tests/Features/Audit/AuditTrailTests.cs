using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Audit;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Reputation;
using SesConsole.Web.Tests.Features.Policies;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Audit;

/// <summary>
/// The audit trail over the real app and a real SQLite file (docs/audit-log.md): each change writes exactly one entry
/// with its actor, via and before/after in the change's own save; a refused change writes none; entries are scoped to
/// their account and cannot be changed.
/// </summary>
public sealed class AuditTrailTests(AppFixture app) : IClassFixture<AppFixture>
{
    private const string Region = "us-east-1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Console_policy_put_writes_one_entry_with_the_owner_the_console_and_the_documents()
    {
        var arn = await AddIdentityAsync("111111111111", "audit-console.example");
        var first = PoliciesFixture.Policy(arn);
        var second = PoliciesFixture.Policy(arn, sid: "Changed");
        var policies = app.Get<IdentityPoliciesService>();

        (await policies.CreateAsync(app.OwnerA, Region, "audit-console.example", "Delegate", first, Ct)).GetValueOrThrow();
        (await policies.UpdateAsync(app.OwnerA, Region, "audit-console.example", "Delegate", second, Ct)).GetValueOrThrow();

        var entries = await EntriesAsync("audit-console.example");
        Assert.Equal(2, entries.Count);
        var (created, updated) = (entries[0], entries[1]);
        Assert.Equal(AuditKinds.PolicyPut, created.Kind);
        Assert.Equal("111111111111", created.AccountId);
        Assert.Equal(Region, created.Region);
        Assert.Equal("arn:aws:iam::111111111111:root", created.ActorArn);
        Assert.Equal("111111111111", created.ActorAccountId);
        Assert.Equal(AuditVia.Console, created.Via);
        Assert.Equal("owner@example.com", created.Credential);
        Assert.Null(created.Before);
        Assert.Equal(first, created.After);
        Assert.Equal(first, updated.Before);
        Assert.Equal(second, updated.After);
        Assert.Contains("Updated policy Delegate", updated.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_the_validator_refuses_writes_no_entry()
    {
        var arn = await AddIdentityAsync("111111111111", "audit-refused.example");
        var bad = PoliciesFixture.Policy(arn).Replace("ses:SendRawEmail", "ses:SendRawMail", StringComparison.Ordinal);

        var result = await app.Get<IdentityPoliciesService>().CreateAsync(app.OwnerA, Region, "audit-refused.example", "P", bad, Ct);

        Assert.Equal("policy.invalid", result.Error?.Code);
        Assert.Empty(await EntriesAsync("audit-refused.example"));
    }

    [Fact]
    public async Task Policy_delete_records_the_deleted_document()
    {
        var arn = await AddIdentityAsync("111111111111", "audit-delete.example");
        var policies = app.Get<IdentityPoliciesService>();
        var text = PoliciesFixture.Policy(arn);
        (await policies.CreateAsync(app.OwnerA, Region, "audit-delete.example", "Gone", text, Ct)).GetValueOrThrow();

        Assert.True((await policies.DeleteAsync(app.OwnerA, Region, "audit-delete.example", "Gone", Ct)).IsSuccess);
        var missing = await policies.DeleteAsync(app.OwnerA, Region, "audit-delete.example", "Gone", Ct);

        Assert.Equal("policy.not_found", missing.Error?.Code);
        var deleted = Assert.Single(await EntriesAsync("audit-delete.example"), e => e.Kind == AuditKinds.PolicyDeleted);
        Assert.Equal(text, deleted.Before);
        Assert.Null(deleted.After);
    }

    [Fact]
    public async Task Access_key_creation_writes_one_entry_without_the_secret()
    {
        var user = (await app.Get<IamService>().CreateAsync(app.OwnerA, IamPrincipalType.User, "audit-keys", null, Ct)).GetValueOrThrow();
        var created = (await app.Get<AccessKeysService>().CreateAsync(app.OwnerA, "audit-keys", Ct)).GetValueOrThrow();

        var userEntry = Assert.Single(await EntriesAsync(user.Arn));
        Assert.Equal(AuditKinds.IamUserCreated, userEntry.Kind);

        var entry = Assert.Single(await EntriesAsync(created.Id));
        Assert.Equal(AuditKinds.AccessKeyCreated, entry.Kind);
        Assert.Equal(AuditVia.Console, entry.Via);
        Assert.Equal("arn:aws:iam::111111111111:root", entry.ActorArn);
        Assert.Contains(created.Id, entry.After, StringComparison.Ordinal);
        Assert.Contains(user.Arn, entry.After, StringComparison.Ordinal);
        string?[] fields = [entry.Target, entry.Summary, entry.Before, entry.After, entry.Credential, entry.ActorArn];
        Assert.DoesNotContain(fields, f => f is not null && f.Contains(created.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Admin_pause_writes_one_entry_with_the_admin_and_the_states()
    {
        await using (var db = app.Db())
        {
            db.Accounts.Add(new AccountEntity { Id = "333333333301", DisplayName = "Paused", HomeRegions = Region, CreatedAt = DateTimeOffset.UnixEpoch });
            await db.SaveChangesAsync(Ct);
        }

        var paused = await app.Get<EnforcementService>().PauseAsync(app.Admin, "333333333301", "Spam complaints from the field", Ct);

        Assert.True(paused.IsSuccess, paused.Error?.Message);
        var entry = Assert.Single(await EntriesAsync("333333333301"));
        Assert.Equal(AuditKinds.AdminAccountPaused, entry.Kind);
        Assert.Equal("333333333301", entry.AccountId);
        Assert.Equal("admin:admin@example.com", entry.ActorArn);
        Assert.Null(entry.ActorAccountId);
        Assert.Equal(AuditVia.Console, entry.Via);
        Assert.Contains("Healthy", entry.Before, StringComparison.Ordinal);
        Assert.Contains("Paused", entry.After, StringComparison.Ordinal);
        Assert.Contains("Spam complaints from the field", entry.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Owner_B_never_sees_owner_A_entries_whatever_account_it_asks_for()
    {
        var arn = await AddIdentityAsync("111111111111", "audit-private.example");
        (await app.Get<IdentityPoliciesService>().CreateAsync(app.OwnerA, Region, "audit-private.example", "P", PoliciesFixture.Policy(arn), Ct)).GetValueOrThrow();
        var log = app.Get<AuditLogService>();

        var asB = (await log.ListAsync(app.OwnerB, new AuditQuery(AccountId: "111111111111", Target: "audit-private.example"), 0, 100, Ct)).GetValueOrThrow();
        var exportB = (await log.ExportAsync(app.OwnerB, new AuditQuery(AccountId: "111111111111"), Ct)).GetValueOrThrow();
        var asA = (await log.ListAsync(app.OwnerA, new AuditQuery(Target: "audit-private.example"), 0, 100, Ct)).GetValueOrThrow();
        var asAdmin = (await log.ListAsync(app.Admin, new AuditQuery(AccountId: "111111111111", Target: "audit-private.example"), 0, 100, Ct)).GetValueOrThrow();

        Assert.Equal(0, asB.Total);
        Assert.DoesNotContain(exportB, e => e.AccountId != "222222222222");
        Assert.Equal(1, asA.Total);
        Assert.Equal(1, asAdmin.Total);
    }

    [Fact]
    public async Task Entries_cannot_be_modified_or_deleted()
    {
        var arn = await AddIdentityAsync("111111111111", "audit-immutable.example");
        (await app.Get<IdentityPoliciesService>().CreateAsync(app.OwnerA, Region, "audit-immutable.example", "P", PoliciesFixture.Policy(arn), Ct)).GetValueOrThrow();
        var id = (await EntriesAsync("audit-immutable.example")).Single().Id;

        await using (var db = app.Db())
        {
            var entry = await db.AuditEntries.SingleAsync(e => e.Id == id, Ct);
            entry.Summary = "Nothing happened.";
            await Assert.ThrowsAsync<AuditLogAppendOnlyException>(() => db.SaveChangesAsync(Ct));
        }

        await using (var db = app.Db())
        {
            db.AuditEntries.Remove(await db.AuditEntries.SingleAsync(e => e.Id == id, Ct));
            Assert.Throws<AuditLogAppendOnlyException>(() => db.SaveChanges());
        }

        var kept = Assert.Single(await EntriesAsync("audit-immutable.example"));
        Assert.Contains("Created policy P", kept.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Identity_create_and_delete_are_recorded_with_their_settings()
    {
        var identities = app.Get<SesConsole.Web.Features.Identities.IdentitiesService>();
        (await identities.CreateDomainAsync(app.OwnerA, Region, "audit-lifecycle.example", new SesConsole.Web.Features.Identities.NewDomainIdentity(), Ct)).GetValueOrThrow();
        Assert.True((await identities.DeleteAsync(app.OwnerA, Region, "audit-lifecycle.example", Ct)).IsSuccess);

        var entries = await EntriesAsync("audit-lifecycle.example");
        Assert.Equal([AuditKinds.IdentityCreated, AuditKinds.IdentityDeleted], entries.Select(e => e.Kind));
        Assert.Contains("\"DkimSigningEnabled\": true", entries[0].After, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", entries[0].After, StringComparison.Ordinal);
        Assert.NotNull(entries[1].Before);
        Assert.Null(entries[1].After);
    }

    [Fact]
    public async Task Provisioning_changes_are_recorded_as_provisioning_and_a_second_run_records_nothing()
    {
        var path = Path.Combine(app.Factory.DataDirectory, $"provision-audit-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """
            { "accounts": [ { "id": "333333333302", "name": "Provisioned", "regions": ["us-east-1"],
                "users": [ { "name": "sender", "accessKeys": [ { "id": "AKIAAUDITPROVISIONAA" } ] } ] } ] }
            """, Ct);
        var provisioning = app.Get<SesConsole.Web.Features.Provisioning.ProvisioningService>();

        var first = await provisioning.ApplyAsync(path, Ct);
        var second = await provisioning.ApplyAsync(path, Ct);

        Assert.True(first.Succeeded, string.Join("\n", first.Errors));
        Assert.Empty(second.Changes);
        await using var db = app.Db();
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.AccountId == "333333333302").ToListAsync(Ct);
        Assert.Equal(
            [AuditKinds.AdminAccountCreated, AuditKinds.AccessKeyCreated, AuditKinds.IamUserCreated],
            entries.Select(e => e.Kind).Order(StringComparer.Ordinal));
        Assert.All(entries, e => Assert.Equal(AuditVia.Provisioning, e.Via));
        Assert.All(entries, e => Assert.Equal(AuditTrail.ProvisioningActor, e.ActorArn));
        Assert.All(entries, e => Assert.Null(e.Credential));
        var key = entries.Single(e => e.Kind == AuditKinds.AccessKeyCreated);
        var secret = first.GeneratedSecrets.Single(s => s.Contains("AKIAAUDITPROVISIONAA", StringComparison.Ordinal)).Split(": ")[^1];
        Assert.DoesNotContain(secret, key.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_account_creation_is_recorded_once_and_a_refused_root_password_records_nothing()
    {
        var accounts = app.Get<SesConsole.Web.Features.Accounts.AccountsService>();

        var created = await accounts.CreateAsync(app.Admin, new SesConsole.Web.Features.Accounts.NewAccount
        {
            AccountId = "333333333303", DisplayName = "Agency", Regions = [Region], RootEmail = "agency-audit@example.com",
        }, Ct);
        var refused = await accounts.CreateAsync(app.Admin, new SesConsole.Web.Features.Accounts.NewAccount
        {
            AccountId = "333333333304", DisplayName = "Weak", Regions = [Region], RootEmail = "weak-audit@example.com", RootPassword = "short",
        }, Ct);

        Assert.True(created.IsSuccess, created.Error?.Message);
        Assert.False(refused.IsSuccess);
        var entry = Assert.Single(await EntriesAsync("333333333303"));
        Assert.Equal(AuditKinds.AdminAccountCreated, entry.Kind);
        Assert.Equal("admin:admin@example.com", entry.ActorArn);
        Assert.Contains("agency-audit@example.com", entry.After, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Value.GeneratedPassword!, entry.After, StringComparison.Ordinal);
        Assert.Empty(await EntriesAsync("333333333304"));
    }

    private async Task<string> AddIdentityAsync(string account, string name)
    {
        await using var db = app.Db();
        var entity = new SendingIdentityEntity
        {
            Id = Guid.NewGuid(), AccountId = account, Region = Region, Name = name, Type = SendingIdentityType.Domain,
            VerificationStatus = VerificationStatus.Success, VerificationStatusSince = DateTimeOffset.UtcNow, VerifiedAt = DateTimeOffset.UtcNow, CreatedAt = DateTimeOffset.UtcNow,
        };
        db.SendingIdentities.Add(entity);
        await db.SaveChangesAsync(Ct);
        return entity.Arn;
    }

    private async Task<List<AuditEntryEntity>> EntriesAsync(string target)
    {
        await using var db = app.Db();
        return (await db.AuditEntries.AsNoTracking().Where(e => e.Target == target).ToListAsync(Ct)).OrderBy(e => e.At).ThenBy(e => e.Id).ToList();
    }
}
