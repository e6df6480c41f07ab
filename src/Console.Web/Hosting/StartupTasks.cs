using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Provisioning;

namespace SesConsole.Web.Hosting;

/// <summary>What runs once at start-up, in order: migrate, import a file key ring (docs/deployment.md#data-protection), bootstrap the first admin, seed the demo world (Development, empty database), apply the provisioning file.</summary>
public sealed class StartupTasks(
    ConsoleDbContext db,
    UserManager<ConsoleUser> userManager,
    RoleManager<IdentityRole> roleManager,
    ProvisioningService provisioning,
    DataProtectionKeyImport dataProtectionKeys,
    Microsoft.AspNetCore.DataProtection.IDataProtectionProvider dataProtection,
    IConfiguration configuration,
    IOptions<ConsoleOptions> options,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<StartupTasks> logger)
{
    public async Task RunAsync(CancellationToken ct = default)
    {
        await db.Database.MigrateExclusivelyAsync(ct);
        // Before anything protects a secret: an installation's file key ring moves into the (then empty) key table.
        await dataProtectionKeys.RunAsync(ct);
        // Make (or load) the key ring now, outside any transaction: on a fresh SQLite database the first key would
        // otherwise be written from inside the provisioning's or the demo seed's transaction, by a second connection that
        // waits for that very transaction's lock (docs/deployment.md#data-protection).
        Microsoft.AspNetCore.DataProtection.DataProtectionCommonExtensions.Protect(dataProtection.CreateProtector("SesConsole.Startup"), "key ring ready");
        if (!await roleManager.RoleExistsAsync(Caller.AdminRole))
        {
            await roleManager.CreateAsync(new IdentityRole(Caller.AdminRole));
        }

        var email = configuration["Bootstrap:AdminEmail"];
        var password = configuration["Bootstrap:AdminPassword"];
        if (!string.IsNullOrWhiteSpace(email) && !string.IsNullOrWhiteSpace(password) && (await userManager.GetUsersInRoleAsync(Caller.AdminRole)).Count == 0)
        {
            // The operator asked for an admin explicitly: a start without one would leave the console unmanageable.
            if (await CreateAdminAsync(email, password) is { } refused)
            {
                throw new InvalidOperationException($"Bootstrap:AdminEmail {email} could not be created: {refused}");
            }

            logger.LogInformation("Bootstrap admin {Email} created", email);
        }

        // The demo world is seeded into an empty database only (no account yet), before the provisioning file.
        if (environment.IsDevelopment() && configuration.GetValue("Demo:Seed", false) && !await db.Accounts.AnyAsync(ct))
        {
            await SeedDemoAsync(configuration["Demo:Password"] ?? throw new InvalidOperationException("Demo:Password is not set."), ct);
        }

        if (options.Value.ProvisioningFile is { Length: > 0 } file)
        {
            var outcome = await provisioning.ApplyAsync(file, ct);
            if (!outcome.Succeeded)
            {
                throw new ProvisioningFailedException(outcome.Errors);
            }

            foreach (var change in outcome.Changes)
            {
                logger.LogInformation("Provisioning: {Change}", change);
            }

            foreach (var secret in outcome.GeneratedSecrets)
            {
                // Printed once, on the operator's terminal, never logged to a sink.
                System.Console.WriteLine($"[provisioning] {secret}");
            }
        }

    }

    /// <summary>Creates a platform admin; returns null on success or the reason it failed.</summary>
    public async Task<string?> CreateAdminAsync(string email, string password)
    {
        var existing = await userManager.FindByNameAsync(email);
        if (existing is not null)
        {
            if (!await userManager.IsInRoleAsync(existing, Caller.AdminRole))
            {
                await userManager.AddToRoleAsync(existing, Caller.AdminRole);
                return null;
            }

            return $"{email} is already an admin";
        }

        var user = new ConsoleUser { UserName = email, Email = email, EmailConfirmed = true };
        var result = await userManager.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            return string.Join(" ", result.Errors.Select(e => e.Description));
        }

        await userManager.AddToRoleAsync(user, Caller.AdminRole);
        return null;
    }

    private async Task SeedDemoAsync(string password, CancellationToken ct)
    {
        var regions = string.Join(',', options.Value.EffectiveRegions);
        var now = time.GetUtcNow();
        db.Accounts.AddRange(
            new AccountEntity { Id = DemoWorld.OwnerAccount, DisplayName = "Example Corp (owner)", OrganizationId = "o-exampleorg1", HomeRegions = regions, Sandbox = false, Max24HourSend = 50_000, MaxSendRate = 14, CreatedAt = now },
            new AccountEntity { Id = DemoWorld.DelegateAccount, DisplayName = "Marketing Agency (delegate)", HomeRegions = regions, Sandbox = false, Max24HourSend = 50_000, MaxSendRate = 14, CreatedAt = now });
        var mailer = new IamPrincipalEntity
        {
            Id = Guid.NewGuid(), AccountId = DemoWorld.DelegateAccount, Type = IamPrincipalType.User, Name = "mailer", NormalizedName = "MAILER",
            Description = "Sends campaigns for Example Corp", CreatedAt = now,
        };
        mailer.Policies.Add(new IamPolicyEntity
        {
            Id = Guid.NewGuid(), Name = "AllowSesSend", UpdatedAt = now, UpdatedBy = "demo seed",
            Document = """
                {
                  "Version": "2012-10-17",
                  "Statement": [
                    { "Sid": "SendAsClients", "Effect": "Allow", "Action": "ses:Send*", "Resource": "*" }
                  ]
                }
                """,
        });
        db.IamPrincipals.Add(mailer);
        await db.SaveChangesAsync(ct);

        await userManager.CreateAsync(new ConsoleUser { UserName = DemoWorld.OwnerEmail, Email = DemoWorld.OwnerEmail, EmailConfirmed = true, AccountId = DemoWorld.OwnerAccount }, password);
        await userManager.CreateAsync(new ConsoleUser { UserName = DemoWorld.DelegateEmail, Email = DemoWorld.DelegateEmail, EmailConfirmed = true, AccountId = DemoWorld.DelegateAccount }, password);
        await userManager.CreateAsync(new ConsoleUser { UserName = $"{DemoWorld.DelegateAccount}/mailer", AccountId = DemoWorld.DelegateAccount, IamPrincipalId = mailer.Id }, password);
        await CreateAdminAsync(DemoWorld.AdminEmail, password);
        if (configuration.GetValue("Demo:ReputationHistory", false))
        {
            await DemoReputationSeed.SeedAsync(db, now, ct);
        }

        logger.LogInformation("Seeded the demo world: {Owner}, {Delegate}, {Admin} (password from Demo:Password)", DemoWorld.OwnerEmail, DemoWorld.DelegateEmail, DemoWorld.AdminEmail);
    }
}

/// <summary>The Development demo world (README lists the sign-ins).</summary>
public static class DemoWorld
{
    public const string OwnerAccount = "111111111111";
    public const string DelegateAccount = "222222222222";
    public const string OwnerEmail = "owner@example.com";
    public const string DelegateEmail = "delegate@example.com";
    public const string AdminEmail = "admin@example.com";
}

/// <summary>The provisioning file was invalid; nothing was applied. The message lists every problem.</summary>
public sealed class ProvisioningFailedException(IReadOnlyList<string> errors)
    : Exception("The provisioning file was not applied:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
