using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SesConsole.Data.Entities;

namespace SesConsole.Data.Configurations;

internal sealed class AccountConfiguration : IEntityTypeConfiguration<AccountEntity>
{
    public void Configure(EntityTypeBuilder<AccountEntity> builder)
    {
        builder.ToTable("Accounts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasMaxLength(12).IsUnicode(false);
        builder.Property(a => a.DisplayName).HasMaxLength(128).IsRequired();
        builder.Property(a => a.OrganizationId).HasMaxLength(34).IsUnicode(false);
        builder.Property(a => a.HomeRegions).HasMaxLength(512).IsUnicode(false).IsRequired();
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.Ignore(a => a.RegionList);
    }
}
