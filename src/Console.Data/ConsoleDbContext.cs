using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data.Entities;

namespace SesConsole.Data;

/// <summary>
/// The provider-neutral model: ASP.NET Core Identity tables plus the console's own. Each provider has a thin derived
/// context with its conventions and its own migration set; every model change needs a migration for all three
/// (docs/database-providers.md#migrations):
/// <code>
/// dotnet ef migrations add NAME --project src/Console.Data --startup-project src/Console.Web --context SqliteConsoleDbContext     --output-dir Migrations/Sqlite
/// dotnet ef migrations add NAME --project src/Console.Data --startup-project src/Console.Web --context SqlServerConsoleDbContext  --output-dir Migrations/SqlServer
/// dotnet ef migrations add NAME --project src/Console.Data --startup-project src/Console.Web --context PostgreSqlConsoleDbContext --output-dir Migrations/PostgreSql
/// </code>
/// </summary>
public abstract class ConsoleDbContext(DbContextOptions options) : IdentityDbContext<ConsoleUser>(options), IDataProtectionKeyContext
{
    /// <summary>The Data Protection key ring, shared by every node (docs/deployment.md#data-protection).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<QuotaCounterEntity> QuotaCounters => Set<QuotaCounterEntity>();

    public DbSet<ChangeCounterEntity> ChangeCounters => Set<ChangeCounterEntity>();

    public DbSet<NodeLeaseEntity> NodeLeases => Set<NodeLeaseEntity>();

    public DbSet<AccountEntity> Accounts => Set<AccountEntity>();

    public DbSet<IamPrincipalEntity> IamPrincipals => Set<IamPrincipalEntity>();

    public DbSet<IamPolicyEntity> IamPolicies => Set<IamPolicyEntity>();

    public DbSet<AccessKeyEntity> AccessKeys => Set<AccessKeyEntity>();

    public DbSet<SendingIdentityEntity> SendingIdentities => Set<SendingIdentityEntity>();

    public DbSet<DkimKeyEntity> DkimKeys => Set<DkimKeyEntity>();

    public DbSet<IdentityPolicyEntity> IdentityPolicies => Set<IdentityPolicyEntity>();

    public DbSet<MailboxMessageEntity> MailboxMessages => Set<MailboxMessageEntity>();

    public DbSet<OutboxMessageEntity> OutboxMessages => Set<OutboxMessageEntity>();

    public DbSet<SendAttemptEntity> SendAttempts => Set<SendAttemptEntity>();

    public DbSet<SendEventEntity> SendEvents => Set<SendEventEntity>();

    public DbSet<SuppressedDestinationEntity> SuppressedDestinations => Set<SuppressedDestinationEntity>();

    public DbSet<UsageEntryEntity> UsageLedger => Set<UsageEntryEntity>();

    public DbSet<SendActivityBucketEntity> SendActivityBuckets => Set<SendActivityBucketEntity>();

    public DbSet<ConfigurationSetEntity> ConfigurationSets => Set<ConfigurationSetEntity>();

    public DbSet<EmailTemplateEntity> EmailTemplates => Set<EmailTemplateEntity>();

    public DbSet<ConfigurationSetEventDestinationEntity> ConfigurationSetEventDestinations => Set<ConfigurationSetEventDestinationEntity>();

    public DbSet<PublishedEventEntity> PublishedEvents => Set<PublishedEventEntity>();

    public DbSet<SnsTopicEntity> SnsTopics => Set<SnsTopicEntity>();

    public DbSet<SnsSubscriptionEntity> SnsSubscriptions => Set<SnsSubscriptionEntity>();

    public DbSet<SnsMessageEntity> SnsMessages => Set<SnsMessageEntity>();

    public DbSet<SnsDeliveryEntity> SnsDeliveries => Set<SnsDeliveryEntity>();

    public DbSet<SnsDeliveryAttemptEntity> SnsDeliveryAttempts => Set<SnsDeliveryAttemptEntity>();

    public DbSet<SnsSigningKeyEntity> SnsSigningKeys => Set<SnsSigningKeyEntity>();

    public DbSet<EnforcementChangeEntity> EnforcementChanges => Set<EnforcementChangeEntity>();

    public DbSet<ReputationBucketEntity> ReputationBuckets => Set<ReputationBucketEntity>();

    public DbSet<AccountReputationBucketEntity> AccountReputationBuckets => Set<AccountReputationBucketEntity>();

    public DbSet<InboundFeedbackEntity> InboundFeedback => Set<InboundFeedbackEntity>();

    public DbSet<InstallationSecretEntity> InstallationSecrets => Set<InstallationSecretEntity>();

    /// <summary>The audit log: append-only (docs/audit-log.md#append-only).</summary>
    public DbSet<AuditEntryEntity> AuditEntries => Set<AuditEntryEntity>();

    /// <summary>Refuses to modify or delete an audit entry (docs/audit-log.md#append-only), then saves.</summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var auto = DetectChangesOnce();
        try
        {
            RefuseAuditRewrites();
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = auto;
        }
    }

    /// <inheritdoc cref="SaveChanges(bool)"/>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var auto = DetectChangesOnce();
        try
        {
            RefuseAuditRewrites();
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = auto;
        }
    }

    /// <summary>
    /// Detects changes once (when automatic detection is on) and turns automatic detection off until the save is done,
    /// so that the check and the save share one scan of the tracked entities (the send path saves hundreds per batch).
    /// </summary>
    private bool DetectChangesOnce()
    {
        var auto = ChangeTracker.AutoDetectChangesEnabled;
        if (auto)
        {
            ChangeTracker.DetectChanges();
            ChangeTracker.AutoDetectChangesEnabled = false;
        }

        return auto;
    }

    private void RefuseAuditRewrites()
    {
        foreach (var entry in ChangeTracker.Entries<AuditEntryEntity>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new AuditLogAppendOnlyException(entry.Entity.Id, entry.State);
            }
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(ConsoleDbContext).Assembly);
        builder.Entity<ConsoleUser>(user =>
        {
            user.Property(u => u.AccountId).HasMaxLength(12).IsUnicode(false);
            user.HasIndex(u => u.AccountId);
            // Restrict, not cascade: SQL Server refuses two cascade paths (account → user and account → principal → user).
            user.HasOne<AccountEntity>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Restrict);
            user.HasOne<IamPrincipalEntity>().WithMany().HasForeignKey(u => u.IamPrincipalId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

/// <summary>An attempt to change or delete a recorded audit entry (docs/audit-log.md#append-only).</summary>
public sealed class AuditLogAppendOnlyException(Guid id, EntityState state)
    : InvalidOperationException($"The audit log is append-only: entry {id} cannot be {(state == EntityState.Deleted ? "deleted" : "modified")}.");
