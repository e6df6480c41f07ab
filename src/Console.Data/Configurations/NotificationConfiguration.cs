using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SesConsole.Data.Entities;

namespace SesConsole.Data.Configurations;

internal sealed class SnsTopicConfiguration : IEntityTypeConfiguration<SnsTopicEntity>
{
    public void Configure(EntityTypeBuilder<SnsTopicEntity> builder)
    {
        builder.ToTable("SnsTopics");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(t => t.Region).HasMaxLength(32).IsUnicode(false);
        builder.Property(t => t.Name).HasMaxLength(256).IsUnicode(false);
        builder.Property(t => t.Arn).HasMaxLength(320).IsUnicode(false);
        builder.Property(t => t.DisplayName).HasMaxLength(100);
        builder.HasIndex(t => t.Arn).IsUnique();
        builder.HasIndex(t => new { t.AccountId, t.Region, t.Name }).IsUnique();
        builder.HasOne<AccountEntity>().WithMany().HasForeignKey(t => t.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(t => t.Subscriptions).WithOne().HasForeignKey(s => s.TopicId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SnsSubscriptionConfiguration : IEntityTypeConfiguration<SnsSubscriptionEntity>
{
    public void Configure(EntityTypeBuilder<SnsSubscriptionEntity> builder)
    {
        builder.ToTable("SnsSubscriptions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Arn).HasMaxLength(400).IsUnicode(false);
        builder.Property(s => s.TopicArn).HasMaxLength(320).IsUnicode(false);
        builder.Property(s => s.SubscriberAccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(s => s.Protocol).HasMaxLength(16).IsUnicode(false);
        builder.Property(s => s.Endpoint).HasMaxLength(2048);
        builder.Property(s => s.ConfirmationToken).HasMaxLength(256).IsUnicode(false);
        builder.HasIndex(s => s.Arn).IsUnique();
        builder.HasIndex(s => s.ConfirmationToken);
        builder.HasIndex(s => new { s.TopicId, s.Status });
        builder.HasIndex(s => s.SubscriberAccountId);
    }
}

internal sealed class SnsMessageConfiguration : IEntityTypeConfiguration<SnsMessageEntity>
{
    public void Configure(EntityTypeBuilder<SnsMessageEntity> builder)
    {
        builder.ToTable("SnsMessages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.MessageId).HasMaxLength(64).IsUnicode(false);
        builder.Property(m => m.TopicArn).HasMaxLength(320).IsUnicode(false);
        builder.Property(m => m.Subject).HasMaxLength(100);
        builder.Property(m => m.Message).IsRequired();
        builder.Property(m => m.PublishedBy).HasMaxLength(400);
        builder.HasIndex(m => m.MessageId).IsUnique();
        builder.HasIndex(m => new { m.FannedOut, m.CreatedAt });
        builder.HasIndex(m => new { m.TopicId, m.CreatedAt });
        builder.HasOne<SnsTopicEntity>().WithMany().HasForeignKey(m => m.TopicId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SnsDeliveryConfiguration : IEntityTypeConfiguration<SnsDeliveryEntity>
{
    public void Configure(EntityTypeBuilder<SnsDeliveryEntity> builder)
    {
        builder.ToTable("SnsDeliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.LastError).HasMaxLength(2000);
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasIndex(d => d.SubscriptionId);
        builder.HasOne<SnsMessageEntity>().WithMany().HasForeignKey(d => d.SnsMessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SnsDeliveryAttemptConfiguration : IEntityTypeConfiguration<SnsDeliveryAttemptEntity>
{
    public void Configure(EntityTypeBuilder<SnsDeliveryAttemptEntity> builder)
    {
        builder.ToTable("SnsDeliveryAttempts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.TopicArn).HasMaxLength(320).IsUnicode(false);
        builder.Property(a => a.MessageId).HasMaxLength(64).IsUnicode(false);
        builder.Property(a => a.Detail).HasMaxLength(1000);
        builder.HasIndex(a => new { a.SubscriptionId, a.At });
        builder.HasIndex(a => new { a.TopicArn, a.At });
        builder.HasIndex(a => a.DeliveryId);
    }
}

internal sealed class SnsSigningKeyConfiguration : IEntityTypeConfiguration<SnsSigningKeyEntity>
{
    public void Configure(EntityTypeBuilder<SnsSigningKeyEntity> builder)
    {
        builder.ToTable("SnsSigningKeys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Name).HasMaxLength(128).IsUnicode(false);
        builder.Property(k => k.ProtectedPrivateKey).IsRequired();
        builder.Property(k => k.CertificatePem).IsRequired().IsUnicode(false);
        builder.HasIndex(k => k.Name).IsUnique();
    }
}

internal sealed class ConfigurationSetEventDestinationConfiguration : IEntityTypeConfiguration<ConfigurationSetEventDestinationEntity>
{
    public void Configure(EntityTypeBuilder<ConfigurationSetEventDestinationEntity> builder)
    {
        builder.ToTable("ConfigurationSetEventDestinations");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Name).HasMaxLength(64).IsUnicode(false);
        builder.Property(d => d.MatchingEventTypes).HasMaxLength(400).IsUnicode(false);
        builder.Property(d => d.TopicArn).HasMaxLength(320).IsUnicode(false);
        builder.HasIndex(d => new { d.ConfigurationSetId, d.Name }).IsUnique();
        builder.HasOne<ConfigurationSetEntity>().WithMany().HasForeignKey(d => d.ConfigurationSetId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PublishedEventConfiguration : IEntityTypeConfiguration<PublishedEventEntity>
{
    public void Configure(EntityTypeBuilder<PublishedEventEntity> builder)
    {
        builder.ToTable("PublishedEvents");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(e => e.Region).HasMaxLength(32).IsUnicode(false);
        builder.Property(e => e.ConfigurationSetName).HasMaxLength(64).IsUnicode(false);
        builder.Property(e => e.DestinationName).HasMaxLength(64).IsUnicode(false);
        builder.Property(e => e.EventType).HasMaxLength(32).IsUnicode(false);
        builder.Property(e => e.MessageId).HasMaxLength(128).IsUnicode(false);
        builder.Property(e => e.Json).IsRequired();
        builder.HasIndex(e => new { e.AccountId, e.Region, e.ConfigurationSetName, e.At });
    }
}
