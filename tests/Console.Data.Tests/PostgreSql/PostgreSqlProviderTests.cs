using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using SesConsole.Data.Entities;
using SesConsole.Data.PostgreSql;
using SesConsole.Domain.Identities;
using SesConsole.Tests.Shared;

namespace SesConsole.Data.Tests.PostgreSql;

/// <summary>The PostgreSQL provider on a real server (the project's private cluster): migrations, timestamps and case-sensitive names.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class PostgreSqlProviderTests(PostgresCluster cluster)
{
    private const string Account = PostgreSqlDatabase.AccountId;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_on_an_empty_database_applies_every_migration_and_creates_every_table()
    {
        var connectionString = await cluster.CreateDatabaseAsync($"fresh_{Guid.NewGuid():N}");
        await using var db = new PostgreSqlConsoleDbContext(new DbContextOptionsBuilder<PostgreSqlConsoleDbContext>().UseNpgsql(connectionString).Options);

        await db.Database.MigrateAsync(Ct);

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync(Ct));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        var tables = await db.Database.SqlQuery<string>($"SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_schema = 'public'").ToListAsync(Ct);
        var expected = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().Append("__EFMigrationsHistory");
        Assert.Equal(expected.Order(StringComparer.Ordinal), tables.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Two_nodes_migrating_one_empty_database_at_once_both_succeed()
    {
        // Two console nodes started together: the advisory lock lets one apply the migrations, the other then finds none
        // (with EF Core's lock alone the second applied the second migration again: "relation already exists").
        var connectionString = await cluster.CreateDatabaseAsync($"together_{Guid.NewGuid():N}");
        var options = new DbContextOptionsBuilder<PostgreSqlConsoleDbContext>().UseNpgsql(connectionString).Options;

        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            await using var db = new PostgreSqlConsoleDbContext(options);
            await db.Database.MigrateExclusivelyAsync(Ct);
        }, Ct)));

        await using var check = new PostgreSqlConsoleDbContext(options);
        Assert.Equal(check.Database.GetMigrations(), await check.Database.GetAppliedMigrationsAsync(Ct));
    }

    [Fact]
    public async Task Timestamps_of_any_offset_are_written_as_utc_instants_and_order_by_instant()
    {
        var database = await PostgreSqlDatabase.CreateAsync(cluster, "timestamps", T0);
        await using (var db = database.Open())
        {
            // 10:00 at +02:00 is 08:00 UTC, before 09:00 UTC: ordering by the local clock reading would put it last.
            db.IamPrincipals.Add(Principal("late", new DateTimeOffset(2026, 1, 2, 9, 0, 0, TimeSpan.Zero)));
            db.IamPrincipals.Add(Principal("early", new DateTimeOffset(2026, 1, 2, 10, 0, 0, TimeSpan.FromHours(2))));
            db.IamPrincipals.Add(Principal("latest", new DateTimeOffset(2026, 1, 2, 5, 30, 0, TimeSpan.FromHours(-5)))); // 10:30 UTC
            await db.SaveChangesAsync(Ct);
        }

        await using var read = database.Open();
        var ordered = await read.IamPrincipals.AsNoTracking().OrderBy(p => p.CreatedAt).ToListAsync(Ct);
        Assert.Equal(["early", "late", "latest"], ordered.Select(p => p.Name));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 8, 0, 0, TimeSpan.Zero), ordered[0].CreatedAt);
        Assert.All(ordered, p => Assert.Equal(TimeSpan.Zero, p.CreatedAt.Offset));

        // A parameter with an offset compares by instant too: after 09:30 at +01:00 (08:30 UTC).
        var after = new DateTimeOffset(2026, 1, 2, 9, 30, 0, TimeSpan.FromHours(1));
        Assert.Equal(["late", "latest"], await read.IamPrincipals.Where(p => p.CreatedAt > after).OrderBy(p => p.CreatedAt).Select(p => p.Name).ToListAsync(Ct));
    }

    [Fact]
    public async Task A_timestamp_finer_than_a_microsecond_is_found_again_by_equality()
    {
        // What a claim does: write a lease from the clock (100 ns ticks), later update "where the lease is still the one written".
        var database = await PostgreSqlDatabase.CreateAsync(cluster, "ticks", T0);
        var lease = new DateTimeOffset(2026, 1, 2, 8, 0, 0, TimeSpan.FromHours(3)).AddTicks(1_234_567);
        var id = Guid.NewGuid();
        await using (var db = database.Open())
        {
            db.OutboxMessages.Add(new OutboxMessageEntity
            {
                Id = id, MessageId = "m-ticks", AccountId = Account, SourceArn = "arn", EnvelopeFrom = "a@example.com", Recipients = "b@example.net",
                Mime = [1], Status = OutboxStatus.Pending, NextAttemptAt = lease, CreatedAt = T0,
            });
            await db.SaveChangesAsync(Ct);
        }

        await using var read = database.Open();
        Assert.Equal(1, await read.OutboxMessages.Where(m => m.Id == id && m.NextAttemptAt == lease).ExecuteUpdateAsync(u => u.SetProperty(m => m.Attempts, 1), Ct));
        var stored = await read.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id, Ct);
        Assert.Equal(PostgreSqlConsoleDbContext.UtcConverter.ToStored(lease), stored.NextAttemptAt);
        Assert.Equal(lease.UtcTicks - 7, stored.NextAttemptAt.UtcTicks); // 1_234_567 ticks: 123_456 µs and 7 ticks cut
    }

    [Fact]
    public async Task Names_compare_case_sensitively_and_normalized_names_stay_unique()
    {
        var database = await PostgreSqlDatabase.CreateAsync(cluster, "names", T0);
        await using (var db = database.Open())
        {
            db.SendingIdentities.Add(Identity("sender@example.com"));
            db.SendingIdentities.Add(Identity("Sender@example.com")); // another identity for SES: the unique index allows both
            db.IamPrincipals.Add(Principal("mailer", T0));
            await db.SaveChangesAsync(Ct);
        }

        await using (var read = database.Open())
        {
            Assert.Equal(["sender@example.com"], await read.SendingIdentities.Where(i => i.Name == "sender@example.com").Select(i => i.Name).ToListAsync(Ct));
            Assert.Empty(await read.SendingIdentities.Where(i => i.Name == "SENDER@example.com").ToListAsync(Ct));
            Assert.Equal(2, await read.SendingIdentities.CountAsync(Ct));
        }

        // IAM names are unique ignoring case, through their normalized column.
        await using var again = database.Open();
        again.IamPrincipals.Add(Principal("MAILER", T0));
        var error = await Assert.ThrowsAsync<DbUpdateException>(() => again.SaveChangesAsync(Ct));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(error.InnerException).SqlState);
    }

    [Theory]
    [InlineData(typeof(SendingIdentityEntity))]
    [InlineData(typeof(IdentityPolicyEntity))]
    [InlineData(typeof(IamPrincipalEntity))]
    [InlineData(typeof(IamPolicyEntity))]
    [InlineData(typeof(ConfigurationSetEntity))]
    public void Case_sensitive_names_keep_the_database_default_collation(Type entity)
    {
        // PostgreSQL's default collation is deterministic: no per-column collation is needed (docs/database-providers.md#postgresql).
        using var db = new PostgreSqlConsoleDbContext(new DbContextOptionsBuilder<PostgreSqlConsoleDbContext>().UseNpgsql("Host=unused;Database=unused").Options);

        Assert.Null(db.GetService<IDesignTimeModel>().Model.FindEntityType(entity)!.FindProperty("Name")!.GetCollation());
    }

    private static IamPrincipalEntity Principal(string name, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(), AccountId = Account, Type = IamPrincipalType.User, Name = name, NormalizedName = name.ToUpperInvariant(), CreatedAt = at,
    };

    private static SendingIdentityEntity Identity(string name) => new()
    {
        Id = Guid.NewGuid(), AccountId = Account, Region = "us-east-1", Type = SendingIdentityType.EmailAddress, Name = name,
        VerificationStatus = VerificationStatus.Success, VerificationStatusSince = T0, CreatedAt = T0,
    };
}
