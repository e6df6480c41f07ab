using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Policies;

/// <summary>The real app over real SQLite with the demo world and a fake clock; identities are inserted verified.</summary>
public sealed class PoliciesFixture : IAsyncLifetime
{
    public const string Region = "us-east-1";

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    public ConsoleAppFactory Factory { get; }

    public Caller OwnerA { get; private set; } = default!;

    public Caller OwnerB { get; private set; } = default!;

    public Caller MailerB { get; private set; } = default!;

    public PoliciesFixture() => Factory = new ConsoleAppFactory { Time = Time };

    public async ValueTask InitializeAsync()
    {
        _ = Factory.Services;
        await using var scope = Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var claims = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ConsoleUser>>();
        OwnerA = Caller.From(await claims.CreateAsync((await users.FindByNameAsync("owner@example.com"))!))!;
        OwnerB = Caller.From(await claims.CreateAsync((await users.FindByNameAsync("delegate@example.com"))!))!;
        MailerB = Caller.From(await claims.CreateAsync((await users.FindByNameAsync("222222222222/mailer"))!))!;
    }

    public T Service<T>()
        where T : notnull => Factory.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    public ConsoleDbContext Db() => Factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContext();

    /// <summary>Inserts a verified identity of <paramref name="account"/> and returns its ARN.</summary>
    public async Task<string> AddIdentityAsync(string account, string name, string region = Region)
    {
        await using var db = Db();
        var now = Time.GetUtcNow();
        var type = name.Contains('@', StringComparison.Ordinal) ? SendingIdentityType.EmailAddress : SendingIdentityType.Domain;
        var entity = new SendingIdentityEntity
        {
            Id = Guid.NewGuid(), AccountId = account, Region = region, Name = name, Type = type,
            VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
        };
        db.SendingIdentities.Add(entity);
        await db.SaveChangesAsync();
        return entity.Arn;
    }

    public static string Policy(string arn, string principal = "\"222222222222\"", string? condition = null, string sid = "AuthorizeAccount") => $$"""
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "{{sid}}",
              "Effect": "Allow",
              "Principal": { "AWS": {{principal}} },
              "Action": ["ses:SendEmail", "ses:SendRawEmail"],
              "Resource": "{{arn}}"{{(condition is null ? "" : ",\n      \"Condition\": " + condition)}}
            }
          ]
        }
        """;

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}
