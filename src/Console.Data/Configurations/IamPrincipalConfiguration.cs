using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SesConsole.Data.Entities;

namespace SesConsole.Data.Configurations;

internal sealed class IamPrincipalConfiguration : IEntityTypeConfiguration<IamPrincipalEntity>
{
    public void Configure(EntityTypeBuilder<IamPrincipalEntity> builder)
    {
        builder.ToTable("IamPrincipals");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(p => p.Name).HasMaxLength(64).IsRequired();
        builder.Property(p => p.NormalizedName).HasMaxLength(64).IsRequired();
        builder.Property(p => p.Description).HasMaxLength(1000);
        builder.Property(p => p.MaxSessionDurationSeconds).HasDefaultValue(3600);
        builder.HasIndex(p => new { p.AccountId, p.Type, p.NormalizedName }).IsUnique();
        builder.HasOne<AccountEntity>().WithMany().HasForeignKey(p => p.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(p => p.Policies).WithOne().HasForeignKey(p => p.PrincipalId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(p => p.Arn);
    }
}

internal sealed class IamPolicyConfiguration : IEntityTypeConfiguration<IamPolicyEntity>
{
    public void Configure(EntityTypeBuilder<IamPolicyEntity> builder)
    {
        builder.ToTable("IamPolicies");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Name).HasMaxLength(128).IsRequired();
        builder.Property(p => p.Document).IsRequired();
        builder.Property(p => p.UpdatedBy).HasMaxLength(256).IsRequired();
        builder.HasIndex(p => new { p.PrincipalId, p.Name }).IsUnique();
    }
}

internal sealed class AccessKeyConfiguration : IEntityTypeConfiguration<AccessKeyEntity>
{
    public void Configure(EntityTypeBuilder<AccessKeyEntity> builder)
    {
        builder.ToTable("AccessKeys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).HasMaxLength(20).IsUnicode(false);
        builder.Property(k => k.AccountId).HasMaxLength(12).IsUnicode(false);
        builder.Property(k => k.ProtectedSecret).IsRequired();
        builder.HasIndex(k => new { k.AccountId, k.PrincipalId });
        // Restrict, not cascade: SQL Server refuses two cascade paths (account → key and account → principal → key).
        builder.HasOne<AccountEntity>().WithMany().HasForeignKey(k => k.AccountId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<IamPrincipalEntity>().WithMany().HasForeignKey(k => k.PrincipalId).OnDelete(DeleteBehavior.Cascade);
    }
}
