using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SesConsole.Data.Entities;

namespace SesConsole.Data.Configurations;

/// <summary>
/// The audit log (docs/audit-log.md): no foreign key to the account, so that deleting an account keeps its history;
/// indexes for the page's filters, each led by the account and ending in the time (newest first).
/// </summary>
internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntryEntity>
{
    public void Configure(EntityTypeBuilder<AuditEntryEntity> builder)
    {
        builder.ToTable("AuditEntries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(e => e.Region).HasMaxLength(32).IsUnicode(false);
        builder.Property(e => e.Kind).HasMaxLength(64).IsUnicode(false);
        builder.Property(e => e.Target).HasMaxLength(400);
        builder.Property(e => e.ActorArn).HasMaxLength(400);
        builder.Property(e => e.ActorAccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(e => e.Via).HasMaxLength(16).IsUnicode(false);
        builder.Property(e => e.Credential).HasMaxLength(256);
        builder.Property(e => e.SourceIp).HasMaxLength(64).IsUnicode(false);
        builder.Property(e => e.Summary).HasMaxLength(1000);
        builder.HasIndex(e => new { e.AccountId, e.At });
        builder.HasIndex(e => new { e.AccountId, e.Target, e.At });
        builder.HasIndex(e => new { e.AccountId, e.Kind, e.At });
        builder.HasIndex(e => new { e.AccountId, e.ActorArn, e.At });
        builder.HasIndex(e => e.At);
    }
}
