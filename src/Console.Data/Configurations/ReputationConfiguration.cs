using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SesConsole.Data.Entities;

namespace SesConsole.Data.Configurations;

internal sealed class EnforcementChangeConfiguration : IEntityTypeConfiguration<EnforcementChangeEntity>
{
    public void Configure(EntityTypeBuilder<EnforcementChangeEntity> builder)
    {
        builder.ToTable("EnforcementChanges");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(c => c.Cause).HasMaxLength(16).IsUnicode(false);
        builder.Property(c => c.Reason).HasMaxLength(1000);
        builder.Property(c => c.ChangedBy).HasMaxLength(256);
        builder.HasIndex(c => new { c.AccountId, c.At });
        builder.HasOne<AccountEntity>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReputationBucketConfiguration : IEntityTypeConfiguration<ReputationBucketEntity>
{
    public void Configure(EntityTypeBuilder<ReputationBucketEntity> builder)
    {
        builder.ToTable("ReputationBuckets");
        builder.HasKey(b => new { b.AccountId, b.Hour, b.Test, b.OwnerAccountId, b.SourceArn });
        builder.Property(b => b.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(b => b.OwnerAccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(b => b.SourceArn).HasMaxLength(400).IsUnicode(false);
        builder.HasIndex(b => b.Hour);
        builder.HasIndex(b => new { b.OwnerAccountId, b.Hour });
    }
}

internal sealed class AccountReputationBucketConfiguration : IEntityTypeConfiguration<AccountReputationBucketEntity>
{
    public void Configure(EntityTypeBuilder<AccountReputationBucketEntity> builder)
    {
        builder.ToTable("AccountReputationBuckets");
        builder.HasKey(b => new { b.AccountId, b.Hour, b.Test });
        builder.Property(b => b.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.HasIndex(b => b.Hour);
        builder.HasIndex(b => new { b.Day, b.AccountId });
    }
}

internal sealed class InboundFeedbackConfiguration : IEntityTypeConfiguration<InboundFeedbackEntity>
{
    public void Configure(EntityTypeBuilder<InboundFeedbackEntity> builder)
    {
        builder.ToTable("InboundFeedback");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.EnvelopeFrom).HasMaxLength(320);
        builder.Property(f => f.EnvelopeTo).HasMaxLength(320);
        builder.Property(f => f.RemoteIp).HasMaxLength(64).IsUnicode(false);
        builder.Property(f => f.MessageId).HasMaxLength(128).IsUnicode(false);
        builder.Property(f => f.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(f => f.SourceArn).HasMaxLength(400).IsUnicode(false);
        builder.Property(f => f.Summary).HasMaxLength(2000);
        builder.HasIndex(f => new { f.AccountId, f.ReceivedAt });
        builder.HasIndex(f => f.MessageId);
        builder.HasIndex(f => f.ReceivedAt);
    }
}

internal sealed class InstallationSecretConfiguration : IEntityTypeConfiguration<InstallationSecretEntity>
{
    public void Configure(EntityTypeBuilder<InstallationSecretEntity> builder)
    {
        builder.ToTable("InstallationSecrets");
        builder.HasKey(s => s.Name);
        builder.Property(s => s.Name).HasMaxLength(64).IsUnicode(false);
        builder.Property(s => s.ProtectedValue).HasMaxLength(4000).IsUnicode(false);
    }
}
