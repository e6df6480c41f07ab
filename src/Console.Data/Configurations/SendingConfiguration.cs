using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SesConsole.Data.Entities;

namespace SesConsole.Data.Configurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessageEntity>
{
    public void Configure(EntityTypeBuilder<OutboxMessageEntity> builder)
    {
        builder.ToTable("OutboxMessages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.MessageId).HasMaxLength(128).IsUnicode(false);
        builder.HasIndex(m => m.MessageId).IsUnique();
        builder.Property(m => m.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(m => m.SourceArn).HasMaxLength(400).IsRequired();
        builder.Property(m => m.EnvelopeFrom).HasMaxLength(320).IsRequired();
        builder.Property(m => m.Recipients).IsRequired();
        builder.Property(m => m.Mime).IsRequired();
        builder.Property(m => m.LastError).HasMaxLength(2000);
        builder.Property(m => m.ConfigurationSetName).HasMaxLength(64).IsUnicode(false);
        builder.Property(m => m.FeedbackAddress).HasMaxLength(320);
        builder.HasIndex(m => new { m.Status, m.NextAttemptAt });
        builder.HasOne<AccountEntity>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SendAttemptConfiguration : IEntityTypeConfiguration<SendAttemptEntity>
{
    public void Configure(EntityTypeBuilder<SendAttemptEntity> builder)
    {
        builder.ToTable("SendAttempts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(a => a.OwnerAccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(a => a.CallerArn).HasMaxLength(400).IsRequired();
        builder.Property(a => a.IdentityArn).HasMaxLength(400);
        builder.Property(a => a.Api).HasMaxLength(64).IsRequired();
        builder.Property(a => a.Step).HasMaxLength(64);
        builder.Property(a => a.ErrorCode).HasMaxLength(128);
        builder.Property(a => a.ErrorMessage).HasMaxLength(2000);
        builder.Property(a => a.MessageId).HasMaxLength(128);
        builder.Property(a => a.FromAddress).HasMaxLength(320);
        builder.Property(a => a.Decision).HasMaxLength(2000);
        builder.Property(a => a.ConfigurationSetName).HasMaxLength(64).IsUnicode(false);
        builder.Property(a => a.FeedbackAddress).HasMaxLength(320);
        builder.Property(a => a.MailFromDomain).HasMaxLength(253).IsUnicode(false);
        builder.HasIndex(a => new { a.AccountId, a.At });
        builder.HasIndex(a => new { a.OwnerAccountId, a.At });
    }
}

internal sealed class SendEventConfiguration : IEntityTypeConfiguration<SendEventEntity>
{
    public void Configure(EntityTypeBuilder<SendEventEntity> builder)
    {
        builder.ToTable("SendEvents");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.MessageId).HasMaxLength(128).IsUnicode(false);
        builder.Property(e => e.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(e => e.OwnerAccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(e => e.SourceArn).HasMaxLength(400).IsRequired();
        builder.Property(e => e.Type).HasMaxLength(32).IsUnicode(false);
        builder.Property(e => e.Recipient).HasMaxLength(320);
        builder.Property(e => e.Json).IsRequired();
        builder.HasIndex(e => new { e.MessageId, e.At });
        builder.HasIndex(e => new { e.AccountId, e.Type, e.At });
    }
}

internal sealed class SendActivityBucketConfiguration : IEntityTypeConfiguration<SendActivityBucketEntity>
{
    public void Configure(EntityTypeBuilder<SendActivityBucketEntity> builder)
    {
        builder.ToTable("SendActivityBuckets");
        builder.HasKey(b => new { b.AccountId, b.OwnerAccountId, b.Start });
        builder.Property(b => b.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(b => b.OwnerAccountId).HasMaxLength(12).IsUnicode(false);
        builder.HasIndex(b => new { b.OwnerAccountId, b.Start });
    }
}

internal sealed class SuppressedDestinationConfiguration : IEntityTypeConfiguration<SuppressedDestinationEntity>
{
    public void Configure(EntityTypeBuilder<SuppressedDestinationEntity> builder)
    {
        builder.ToTable("SuppressedDestinations");
        builder.HasKey(s => new { s.AccountId, s.Address });
        builder.Property(s => s.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(s => s.Address).HasMaxLength(320);
        builder.Property(s => s.Reason).HasMaxLength(16).IsUnicode(false);
        builder.HasOne<AccountEntity>().WithMany().HasForeignKey(s => s.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UsageEntryConfiguration : IEntityTypeConfiguration<UsageEntryEntity>
{
    public void Configure(EntityTypeBuilder<UsageEntryEntity> builder)
    {
        builder.ToTable("UsageLedger");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(u => u.MessageId).HasMaxLength(128).IsUnicode(false);
        builder.Property(u => u.Region).HasMaxLength(32).IsUnicode(false).HasDefaultValue("");
        builder.HasIndex(u => new { u.AccountId, u.At });
        builder.HasIndex(u => new { u.AccountId, u.Region, u.Id }); // a node's catch-up on other nodes' charges
        builder.HasOne<AccountEntity>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
