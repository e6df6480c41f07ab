using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SesConsole.Data.Entities;

namespace SesConsole.Data.Configurations;

internal sealed class SendingIdentityConfiguration : IEntityTypeConfiguration<SendingIdentityEntity>
{
    public void Configure(EntityTypeBuilder<SendingIdentityEntity> builder)
    {
        builder.ToTable("SendingIdentities");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(i => i.Region).HasMaxLength(32).IsUnicode(false);
        builder.Property(i => i.Name).HasMaxLength(320).IsRequired();
        builder.Property(i => i.VerificationToken).HasMaxLength(64).IsUnicode(false);
        builder.Property(i => i.EmailLinkNonceHash).HasMaxLength(64).IsUnicode(false);
        builder.Property(i => i.MailFromDomain).HasMaxLength(255);
        builder.Property(i => i.BounceTopicArn).HasMaxLength(320).IsUnicode(false);
        builder.Property(i => i.ComplaintTopicArn).HasMaxLength(320).IsUnicode(false);
        builder.Property(i => i.DeliveryTopicArn).HasMaxLength(320).IsUnicode(false);
        builder.Property(i => i.DefaultConfigurationSetName).HasMaxLength(64).IsUnicode(false);
        builder.Property(i => i.Version).IsConcurrencyToken();
        // Ordinal uniqueness: domains are stored lower-case, and email addresses are case-sensitive in SES.
        builder.HasIndex(i => new { i.AccountId, i.Region, i.Name }).IsUnique();
        builder.HasOne<AccountEntity>().WithMany().HasForeignKey(i => i.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(i => i.DkimKeys).WithOne().HasForeignKey(k => k.IdentityId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(i => i.Policies).WithOne().HasForeignKey(p => p.IdentityId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(i => i.Arn);
    }
}

internal sealed class DkimKeyConfiguration : IEntityTypeConfiguration<DkimKeyEntity>
{
    public void Configure(EntityTypeBuilder<DkimKeyEntity> builder)
    {
        builder.ToTable("DkimKeys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Selector).HasMaxLength(63).IsUnicode(false);
        builder.Property(k => k.ProtectedPrivateKey).IsRequired();
        builder.Property(k => k.PublicKey).IsRequired().IsUnicode(false);
        builder.HasIndex(k => new { k.IdentityId, k.Selector }).IsUnique();
    }
}

internal sealed class IdentityPolicyConfiguration : IEntityTypeConfiguration<IdentityPolicyEntity>
{
    public void Configure(EntityTypeBuilder<IdentityPolicyEntity> builder)
    {
        builder.ToTable("IdentityPolicies");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Name).HasMaxLength(64).IsUnicode(false);
        builder.Property(p => p.Document).IsRequired();
        builder.Property(p => p.UpdatedBy).HasMaxLength(256).IsRequired();
        builder.HasIndex(p => new { p.IdentityId, p.Name }).IsUnique();
    }
}

internal sealed class MailboxMessageConfiguration : IEntityTypeConfiguration<MailboxMessageEntity>
{
    public void Configure(EntityTypeBuilder<MailboxMessageEntity> builder)
    {
        builder.ToTable("MailboxMessages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(m => m.MessageId).HasMaxLength(998).IsRequired();
        builder.Property(m => m.EnvelopeFrom).HasMaxLength(320).IsRequired();
        builder.Property(m => m.Recipients).IsRequired();
        builder.Property(m => m.Subject).HasMaxLength(998).IsRequired();
        builder.Property(m => m.Mime).IsRequired();
        builder.HasIndex(m => new { m.AccountId, m.ReceivedAt });
        builder.HasOne<AccountEntity>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
