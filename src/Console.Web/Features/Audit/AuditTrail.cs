using System.Text.Json;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Audit;

/// <summary>One change to record: whose resource, where, what kind, about what, in words, and the state around it.</summary>
/// <param name="AccountId">The account whose resource changed (it sees the entry).</param>
/// <param name="Region">The region of the resource; null for account-wide and IAM changes.</param>
/// <param name="Kind">An <see cref="AuditKinds"/> code.</param>
/// <param name="Target">The identity name, principal ARN, access key ID or account ID the change is about.</param>
/// <param name="Summary">One human sentence.</param>
/// <param name="Before">JSON of the state before (a policy's document as written); null when it did not exist.</param>
/// <param name="After">JSON of the state after; null when it no longer exists.</param>
public sealed record AuditChange(string AccountId, string? Region, string Kind, string Target, string Summary, string? Before = null, string? After = null);

/// <summary>
/// Adds audit entries to the context that is about to save the change they describe, so that the entry and the change
/// commit or fail together (docs/audit-log.md#same-transaction). The actor is the <see cref="Caller"/> the service was
/// given, and how it acts comes from the scope's <see cref="AuditActor"/>. Never put a secret in an entry.
/// </summary>
public sealed class AuditTrail(AuditActor actor, TimeProvider time)
{
    /// <summary>The actor name of changes made by the provisioning file.</summary>
    public const string ProvisioningActor = "provisioning";

    /// <summary>The actor name of changes made by background workers.</summary>
    public const string SystemActor = "system";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>How the current scope acts.</summary>
    public AuditActor Actor => actor;

    /// <summary>Adds the entry for <paramref name="change"/> made by <paramref name="caller"/> (null for provisioning and
    /// the system) to <paramref name="db"/>; the caller's own <c>SaveChanges</c> writes it.</summary>
    public AuditEntryEntity Record(ConsoleDbContext db, Caller? caller, AuditChange change) => Write(db, actor, caller, change, time.GetUtcNow());

    /// <summary>
    /// <see cref="Record"/> for a singleton that has no scope (enforcement): the actor is passed in, e.g. a
    /// <see cref="AuditActor"/> made for the call, <see cref="AuditActor.UseSystem"/> for a worker.
    /// </summary>
    public static AuditEntryEntity Write(ConsoleDbContext db, AuditActor actor, Caller? caller, AuditChange change, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(change);
        var entry = new AuditEntryEntity
        {
            Id = Guid.CreateVersion7(now),
            At = now,
            AccountId = change.AccountId,
            Region = change.Region,
            Kind = change.Kind,
            Target = Cut(change.Target, 400),
            ActorArn = Cut(ActorArnOf(actor, caller), 400),
            ActorAccountId = caller?.AccountId,
            Via = actor.Via,
            Credential = actor.AccessKeyId ?? (caller is null || caller.UserId.StartsWith("access-key:", StringComparison.Ordinal) ? null : Cut(caller.UserName, 256)),
            SourceIp = actor.SourceIp is { } ip ? Cut(ip, 64) : null,
            Summary = Cut(change.Summary, 1000),
            Before = change.Before,
            After = change.After,
        };
        db.AuditEntries.Add(entry);
        return entry;
    }

    /// <summary>A small JSON object for settings' before/after (indented, for the page's side-by-side view).</summary>
    public static string Json(object value) => JsonSerializer.Serialize(value, Indented);

    private static string ActorArnOf(AuditActor actor, Caller? caller) => caller switch
    {
        _ when actor.Via == AuditVia.Provisioning && caller is null => ProvisioningActor,
        null => SystemActor,
        { PrincipalArn: { } arn } => arn,
        { AccountId: { } account } => Caller.RootArnOf(account),
        _ => $"admin:{caller.UserName}",
    };

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max];
}
