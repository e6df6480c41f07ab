using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SesConsole.Data.Entities;

namespace SesConsole.Data.Configurations;

internal sealed class ConfigurationSetConfiguration : IEntityTypeConfiguration<ConfigurationSetEntity>
{
    public void Configure(EntityTypeBuilder<ConfigurationSetEntity> builder)
    {
        builder.ToTable("ConfigurationSets");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(c => c.Region).HasMaxLength(32).IsUnicode(false);
        builder.Property(c => c.Name).HasMaxLength(64).IsUnicode(false);
        builder.HasIndex(c => new { c.AccountId, c.Region, c.Name }).IsUnique();
        builder.HasOne<AccountEntity>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
