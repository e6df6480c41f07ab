using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SesConsole.Data.Entities;

namespace SesConsole.Data.Configurations;

internal sealed class EmailTemplateConfiguration : IEntityTypeConfiguration<EmailTemplateEntity>
{
    public void Configure(EntityTypeBuilder<EmailTemplateEntity> builder)
    {
        builder.ToTable("EmailTemplates");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(t => t.Region).HasMaxLength(32).IsUnicode(false);
        builder.Property(t => t.Name).HasMaxLength(64).IsUnicode(false);
        builder.HasIndex(t => new { t.AccountId, t.Region, t.Name }).IsUnique();
        builder.HasOne<AccountEntity>().WithMany().HasForeignKey(t => t.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
