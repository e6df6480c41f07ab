using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SesConsole.Data.Entities;

namespace SesConsole.Data.Configurations;

internal sealed class QuotaCounterConfiguration : IEntityTypeConfiguration<QuotaCounterEntity>
{
    public void Configure(EntityTypeBuilder<QuotaCounterEntity> builder)
    {
        builder.ToTable("QuotaCounters");
        builder.HasKey(q => new { q.AccountId, q.Region });
        builder.Property(q => q.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(q => q.Region).HasMaxLength(32).IsUnicode(false);
        builder.HasOne<AccountEntity>().WithMany().HasForeignKey(q => q.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChangeCounterConfiguration : IEntityTypeConfiguration<ChangeCounterEntity>
{
    public void Configure(EntityTypeBuilder<ChangeCounterEntity> builder)
    {
        builder.ToTable("ChangeCounters");
        builder.HasKey(c => c.Family);
        builder.Property(c => c.Family).HasMaxLength(32).IsUnicode(false);
    }
}

internal sealed class NodeLeaseConfiguration : IEntityTypeConfiguration<NodeLeaseEntity>
{
    public void Configure(EntityTypeBuilder<NodeLeaseEntity> builder)
    {
        builder.ToTable("NodeLeases");
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(64).IsUnicode(false);
        builder.Property(l => l.Holder).HasMaxLength(128);
    }
}
