using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SesConsole.Data.Entities;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Sending;

/// <summary>
/// Drops <see cref="SendingReadCache"/> families when rows of them are saved: after <c>SaveChanges</c>, and again when
/// the transaction it ran in commits (a send that re-read the old rows in between must not keep them). Registered on
/// every context the factory makes, so no write path can forget it; bulk <c>ExecuteDelete</c>s call
/// <see cref="ClusterChanges.InvalidateAsync"/> themselves. In cluster mode the families are also announced to the other
/// nodes once the change is durable: after a save outside a transaction, or when the transaction commits
/// (docs/cluster-coordination.md#cache-invalidation).
/// </summary>
public sealed class SendingCacheInvalidation(SendingReadCache cache, ClusterChanges changes) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, StrongBox<SendingData>> _pending = [];

    public static SendingData FamilyOf(object entity) => entity switch
    {
        SendingIdentityEntity or DkimKeyEntity or IdentityPolicyEntity => SendingData.Identities,
        AccountEntity => SendingData.Accounts,
        ConfigurationSetEntity or ConfigurationSetEventDestinationEntity => SendingData.ConfigurationSets,
        EmailTemplateEntity => SendingData.ConfigurationSets, // the sender's own settings, like its sets (docs/templates.md#caching)
        SnsTopicEntity => SendingData.Accounts, // the feedback fan-out's topic decisions (docs/notifications.md#identity-notifications)
        IamPrincipalEntity or IamPolicyEntity => SendingData.Iam,
        SuppressedDestinationEntity => SendingData.Suppression,
        AccessKeyEntity => SendingData.AccessKeys,
        _ => SendingData.None,
    };

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        changes.Publish(Flush(eventData.Context, committed: false));
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        var durable = Flush(eventData.Context, committed: false);
        return durable == SendingData.None || !changes.Enabled ? ValueTask.FromResult(result) : PublishAsync(durable, result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Flush(eventData.Context, committed: false);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Flush(eventData.Context, committed: false);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => changes.Publish(Flush(eventData.Context, committed: true));

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        var durable = Flush(eventData.Context, committed: true);
        return durable == SendingData.None || !changes.Enabled ? Task.CompletedTask : changes.PublishAsync(durable).AsTask();
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Flush(eventData.Context, committed: true);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Flush(eventData.Context, committed: true);
        return Task.CompletedTask;
    }

    private async ValueTask<int> PublishAsync(SendingData families, int result)
    {
        await changes.PublishAsync(families);
        return result;
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var families = SendingData.None;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            {
                families |= FamilyOf(entry.Entity);
            }
        }

        if (families != SendingData.None)
        {
            var pending = _pending.GetOrCreateValue(context);
            pending.Value |= families;
        }
    }

    /// <summary>
    /// Invalidates what <paramref name="context"/> changed. Inside a transaction the families stay pending until it
    /// ends, and are dropped again then: a reader between the save and the commit still saw the old rows. Returns the
    /// families whose change is now durable (saved outside a transaction, or committed), for the other nodes to hear of
    /// (the failure and rollback callbacks ignore it); <see cref="SendingData.None"/> while a transaction is still open.
    /// </summary>
    private SendingData Flush(DbContext? context, bool committed)
    {
        if (context is null || !_pending.TryGetValue(context, out var pending) || pending.Value == SendingData.None)
        {
            return SendingData.None;
        }

        var families = pending.Value;
        cache.Invalidate(families);
        if (committed || context.Database.CurrentTransaction is null)
        {
            pending.Value = SendingData.None;
            return families;
        }

        return SendingData.None;
    }
}
