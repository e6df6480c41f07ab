using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using SesConsole.Web.Sending;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Sending;

namespace SesConsole.Web.Features.Iam;

/// <summary>What a key signs as: its account, and the IAM user (or the root when <see cref="PrincipalArn"/> ends in <c>:root</c>).</summary>
public sealed record AccessKeyOwner(string AccessKeyId, string AccountId, string PrincipalArn, Guid? PrincipalId, string Secret, AccessKeyStatus Status)
{
    /// <summary>The caller a request signed with this key acts as (API and SMTP).</summary>
    public Caller ToCaller() => new($"access-key:{AccessKeyId}", PrincipalArn, AccountId, PrincipalId, PrincipalArn, IsAdmin: false);

    /// <summary>When the key last signed a request, as stored (see <see cref="AccessKeysService.LastUsedGranularity"/>).</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>Temporary STS credentials (<c>ASIA…</c>, docs/sts.md): nothing is stored for them, so there is no "last used".</summary>
    public bool IsTemporary { get; init; }

    /// <summary>The last use this process recorded, shared by every copy of a cached key (see <see cref="AccessKeysService.MarkUsedAsync(AccessKeyOwner, CancellationToken)"/>).</summary>
    internal StrongBox<DateTimeOffset?>? LastUse { get; init; }
}

/// <summary>
/// Access keys of IAM users and of account roots. The root manages every key of its account; an IAM user manages its
/// own. Secrets are generated here, shown once, and stored only encrypted with ASP.NET Data Protection.
/// </summary>
public sealed class AccessKeysService(IDbContextFactory<ConsoleDbContext> dbFactory, IDataProtectionProvider dataProtection, SendingReadCache cache, TimeProvider time,
    Audit.AuditTrail audit)
{
    /// <summary>IAM's quota: two access keys per user (and per root).</summary>
    public const int MaxKeysPerPrincipal = 2;

    private const string Purpose = "SesConsole.AccessKeys.Secret.v1";
    private const string KeyIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    /// <summary>Keys of <paramref name="iamUserName"/>, or of the caller's own principal when it is null.</summary>
    public async Task<Result<IReadOnlyList<AccessKeyView>>> ListAsync(Caller caller, string? iamUserName, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var owner = await ResolveOwnerAsync(db, caller, iamUserName, ct);
        if (!owner.IsSuccess)
        {
            return owner.Error;
        }

        var principalId = owner.Value.PrincipalId;
        var keys = await db.AccessKeys.AsNoTracking()
            .Where(k => k.AccountId == caller.AccountId && k.PrincipalId == principalId)
            .ToListAsync(ct);
        IReadOnlyList<AccessKeyView> views = keys.OrderBy(k => k.CreatedAt).Select(k => new AccessKeyView(k.Id, k.Status, k.CreatedAt, k.LastUsedAt)).ToList();
        return Result<IReadOnlyList<AccessKeyView>>.Success(views);
    }

    public async Task<Result<NewAccessKey>> CreateAsync(Caller caller, string? iamUserName, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var owner = await ResolveOwnerAsync(db, caller, iamUserName, ct);
        if (!owner.IsSuccess)
        {
            return owner.Error;
        }

        var principalId = owner.Value.PrincipalId;
        var count = await db.AccessKeys.CountAsync(k => k.AccountId == caller.AccountId && k.PrincipalId == principalId, ct);
        if (count >= MaxKeysPerPrincipal)
        {
            return new Error("access_key.limit", $"Cannot exceed quota for AccessKeysPerUser: {MaxKeysPerPrincipal}. Delete a key you no longer use first.");
        }

        var key = NewKey();
        db.AccessKeys.Add(new AccessKeyEntity
        {
            Id = key.Id,
            AccountId = caller.AccountId!,
            PrincipalId = principalId,
            ProtectedSecret = _protector.Protect(key.Secret),
            CreatedAt = time.GetUtcNow(),
        });
        // The key ID only: the secret is shown once to the caller and never recorded (docs/audit-log.md#what-is-recorded).
        Audited(db, caller, AuditKinds.AccessKeyCreated, key.Id, $"Created access key {key.Id} for {owner.Value.Arn}.", null,
            Audit.AuditTrail.Json(new { AccessKeyId = key.Id, Owner = owner.Value.Arn, Status = nameof(AccessKeyStatus.Active) }));
        await db.SaveChangesAsync(ct);
        return key;
    }

    public async Task<Result> SetStatusAsync(Caller caller, string accessKeyId, AccessKeyStatus status, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await FindOwnKeyAsync(db, caller, accessKeyId, ct);
        if (key is null)
        {
            return KeyNotFound(accessKeyId);
        }

        Audited(db, caller, AuditKinds.AccessKeyUpdated, key.Id, $"Made access key {key.Id} {status}.",
            Audit.AuditTrail.Json(new { AccessKeyId = key.Id, Status = key.Status.ToString() }), Audit.AuditTrail.Json(new { AccessKeyId = key.Id, Status = status.ToString() }));
        key.Status = status;
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    public async Task<Result> DeleteAsync(Caller caller, string accessKeyId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await FindOwnKeyAsync(db, caller, accessKeyId, ct);
        if (key is null)
        {
            return KeyNotFound(accessKeyId);
        }

        db.AccessKeys.Remove(key);
        Audited(db, caller, AuditKinds.AccessKeyDeleted, key.Id, $"Deleted access key {key.Id}.",
            Audit.AuditTrail.Json(new { AccessKeyId = key.Id, Status = key.Status.ToString() }), null);
        await db.SaveChangesAsync(ct);
        return Result.Success();
    }

    /// <summary>
    /// For request signing (API and SMTP): the key's owner and clear secret, or null when the key is unknown. Read
    /// through <see cref="SendingReadCache"/> (family <see cref="SendingData.AccessKeys"/>): looking the key up, its
    /// user's ARN and decrypting the secret on every request was a third of the server's time per API call
    /// (docs/send-performance.md#where-the-time-went). Creating, deactivating or deleting a key (or its user or account) drops the
    /// cached keys at once.
    /// </summary>
    public async Task<AccessKeyOwner?> FindForSigningAsync(string accessKeyId, CancellationToken ct = default)
    {
        var key = await cache.GetAsync(SendingData.AccessKeys, accessKeyId, LoadForSigningAsync, ct);
        return key is null ? null : key with { LastUsedAt = key.LastUse!.Value ?? key.LastUsedAt };
    }

    private async Task<AccessKeyOwner?> LoadForSigningAsync(string accessKeyId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.AccessKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == accessKeyId, ct);
        if (key is null)
        {
            return null;
        }

        var arn = Caller.RootArnOf(key.AccountId);
        if (key.PrincipalId is { } principalId)
        {
            var p = await db.IamPrincipals.AsNoTracking().SingleAsync(x => x.Id == principalId, ct);
            arn = p.Arn;
        }

        return new AccessKeyOwner(key.Id, key.AccountId, arn, key.PrincipalId, _protector.Unprotect(key.ProtectedSecret), key.Status)
        {
            LastUsedAt = key.LastUsedAt,
            LastUse = new StrongBox<DateTimeOffset?>(key.LastUsedAt),
        };
    }

    /// <summary>
    /// How precisely "Last used" is kept for API calls: a key that signs hundreds of requests a second must not cost a
    /// database write each (SQLite has one writer). AWS reports a key's last use coarsely too.
    /// </summary>
    public static readonly TimeSpan LastUsedGranularity = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Records that <paramref name="key"/> signed a request, at most once per <see cref="LastUsedGranularity"/>. The
    /// time is noted on the cached key before the write, so that the requests in flight at that moment do not all write it.
    /// </summary>
    public Task MarkUsedAsync(AccessKeyOwner key, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = time.GetUtcNow();
        if (key.IsTemporary || (key.LastUse?.Value ?? key.LastUsedAt) is { } last && now - last < LastUsedGranularity)
        {
            return Task.CompletedTask;
        }

        key.LastUse?.Value = now;
        return MarkUsedAsync(key.AccessKeyId, ct);
    }

    /// <summary>Records that a key signed a request (shown as "Last used").</summary>
    public async Task MarkUsedAsync(string accessKeyId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.AccessKeys.Where(k => k.Id == accessKeyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, time.GetUtcNow()), ct);
    }

    /// <summary>Stores a key whose ID and secret are given (provisioning); the secret is protected like any other.</summary>
    internal AccessKeyEntity CreateEntity(string id, string secret, string accountId, Guid? principalId) => new()
    {
        Id = id,
        AccountId = accountId,
        PrincipalId = principalId,
        ProtectedSecret = _protector.Protect(secret),
        CreatedAt = time.GetUtcNow(),
    };

    /// <summary>Whether <paramref name="secret"/> is the stored secret of <paramref name="key"/> (compared in constant time).</summary>
    internal bool HasSecret(AccessKeyEntity key, string secret) =>
        CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(_protector.Unprotect(key.ProtectedSecret)), System.Text.Encoding.UTF8.GetBytes(secret));

    internal static NewAccessKey NewKey() =>
        new("AKIA" + RandomNumberGenerator.GetString(KeyIdAlphabet, 16), RandomNumberGenerator.GetString(SecretAlphabet, 40));

    internal static bool IsValidKeyId(string? id) =>
        id is { Length: 20 } && id.StartsWith("AKIA", StringComparison.Ordinal) && id[4..].All(c => KeyIdAlphabet.Contains(c, StringComparison.Ordinal));

    private static async Task<Result<(Guid? PrincipalId, string Arn)>> ResolveOwnerAsync(ConsoleDbContext db, Caller caller, string? iamUserName, CancellationToken ct)
    {
        if (caller.AccountId is null)
        {
            return new Error("auth.no_account", "This sign-in does not belong to an account, so it has no access keys.");
        }

        if (iamUserName is null)
        {
            return (caller.IamPrincipalId, caller.PrincipalArn ?? Caller.RootArnOf(caller.AccountId));
        }

        var p = await db.IamPrincipals.AsNoTracking()
            .SingleOrDefaultAsync(x => x.AccountId == caller.AccountId && x.Type == IamPrincipalType.User && x.Name == iamUserName, ct);
        if (p is null)
        {
            return new Error("principal.not_found", $"There is no IAM user named '{iamUserName}' in your account.");
        }

        if (!caller.IsAccountRoot && caller.IamPrincipalId != p.Id)
        {
            return IamService.RootOnly;
        }

        return (p.Id, p.Arn);
    }

    private static Task<AccessKeyEntity?> FindOwnKeyAsync(ConsoleDbContext db, Caller caller, string accessKeyId, CancellationToken ct) =>
        caller.IsAccountRoot
            ? db.AccessKeys.SingleOrDefaultAsync(k => k.Id == accessKeyId && k.AccountId == caller.AccountId, ct)
            : db.AccessKeys.SingleOrDefaultAsync(k => k.Id == accessKeyId && k.AccountId == caller.AccountId && k.PrincipalId == caller.IamPrincipalId && caller.IamPrincipalId != null, ct);

    /// <summary>Adds the audit entry of a key change to the context that saves it (docs/audit-log.md#same-transaction).</summary>
    private void Audited(ConsoleDbContext db, Caller caller, string kind, string keyId, string summary, string? before, string? after) =>
        audit.Record(db, caller, new Audit.AuditChange(caller.AccountId!, null, kind, keyId, summary, before, after));

    private static Error KeyNotFound(string id) => new("access_key.not_found", $"Access key {id} does not exist in your account.");
}
