using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Principals;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Features.Provisioning;

/// <summary>The outcome of applying a provisioning file. When <see cref="Errors"/> is not empty nothing was applied.</summary>
public sealed record ProvisioningOutcome(IReadOnlyList<string> Errors, IReadOnlyList<string> Changes, IReadOnlyList<string> GeneratedSecrets)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Applies a provisioning file: accounts, IAM users and roles, their identity-based policies and access keys, declared in
/// JSON and kept in git by operators. Applying is idempotent (a second run changes nothing) and all-or-nothing: the whole
/// file is validated first, and every error names the file, the JSON pointer and the problem. The format is in README.md.
/// </summary>
public sealed class ProvisioningService(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    UserManager<ConsoleUser> userManager,
    AccessKeysService accessKeys,
    IOptions<ConsoleOptions> options,
    TimeProvider time)
{
    public async Task<ProvisioningOutcome> ApplyAsync(string path, CancellationToken ct = default)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed($"{path}: cannot read the provisioning file: {ex.Message}");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            return Failed($"{path}: malformed JSON at line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1}: {ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0]}");
        }

        using (doc)
        {
            var errors = new List<string>();
            var plan = Parse(doc.RootElement, path, errors);
            if (errors.Count > 0)
            {
                return new ProvisioningOutcome(errors, [], []);
            }

            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await CheckAgainstDatabaseAsync(db, plan, path, errors, ct);
            if (errors.Count > 0)
            {
                return new ProvisioningOutcome(errors, [], []);
            }

            return await ApplyPlanAsync(db, plan, ct);
        }
    }

    private static ProvisioningOutcome Failed(string error) => new([error], [], []);

    private sealed record KeyPlan(string Id, string? Secret, AccessKeyStatus Status, string Pointer);

    private sealed record PrincipalPlan(IamPrincipalType Type, string Name, string? Description, Dictionary<string, string> Policies, List<KeyPlan> Keys, string Pointer);

    private sealed record AccountPlan(string Id, string Name, string? Org, List<string> Regions, bool Sandbox, bool SendingEnabled,
        string? RootEmail, List<KeyPlan> RootKeys, List<PrincipalPlan> Principals, string Pointer)
    {
        /// <summary>The account's sending quota when the file sets it; otherwise SES's sandbox or production default for a new account.</summary>
        public int? Max24HourSend { get; init; }

        public double? MaxSendRate { get; init; }
    }

    private List<AccountPlan> Parse(JsonElement root, string path, List<string> errors)
    {
        var plans = new List<AccountPlan>();
        void Error(string pointer, string message) => errors.Add($"{path}#{pointer}: {message}");

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("accounts", out var accounts) || accounts.ValueKind != JsonValueKind.Array)
        {
            Error("", "the file must be an object with an \"accounts\" array");
            return plans;
        }

        var seenAccounts = new HashSet<string>(StringComparer.Ordinal);
        var seenKeys = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var a in accounts.EnumerateArray())
        {
            var p = $"/accounts/{i++}";
            if (a.ValueKind != JsonValueKind.Object)
            {
                Error(p, "each account must be an object");
                continue;
            }

            var id = String(a, "id", p, Error, required: true);
            if (id is not null && AccountId.Parse(id).Error is { } idError)
            {
                Error(p + "/id", idError.Message);
            }
            else if (id is not null && !seenAccounts.Add(id))
            {
                Error(p + "/id", $"account {id} is declared twice");
            }

            var name = String(a, "name", p, Error, required: true);
            var org = String(a, "organizationId", p, Error, required: false);
            if (org is not null && OrganizationId.Parse(org).Error is { } orgError)
            {
                Error(p + "/organizationId", orgError.Message);
            }

            var regions = new List<string>();
            if (a.TryGetProperty("regions", out var r) && r.ValueKind == JsonValueKind.Array)
            {
                var j = 0;
                foreach (var region in r.EnumerateArray())
                {
                    var value = region.ValueKind == JsonValueKind.String ? region.GetString()! : "";
                    if (!options.Value.EffectiveRegions.Contains(value))
                    {
                        Error($"{p}/regions/{j}", $"unknown region '{value}'; this installation serves {string.Join(", ", options.Value.EffectiveRegions)}");
                    }

                    regions.Add(value);
                    j++;
                }
            }
            else if (a.TryGetProperty("regions", out _))
            {
                Error(p + "/regions", "regions must be an array of region names");
            }

            if (regions.Count == 0)
            {
                regions.Add(options.Value.EffectiveRegions[0]);
            }

            var rootEmail = String(a, "rootEmail", p, Error, required: false);
            if (rootEmail is not null && !System.Net.Mail.MailAddress.TryCreate(rootEmail, out _))
            {
                Error(p + "/rootEmail", $"'{rootEmail}' is not an email address");
            }

            var principals = new List<PrincipalPlan>();
            foreach (var (prop, type) in new[] { ("users", IamPrincipalType.User), ("roles", IamPrincipalType.Role) })
            {
                if (!a.TryGetProperty(prop, out var list))
                {
                    continue;
                }

                if (list.ValueKind != JsonValueKind.Array)
                {
                    Error($"{p}/{prop}", $"{prop} must be an array");
                    continue;
                }

                var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                var k = 0;
                foreach (var u in list.EnumerateArray())
                {
                    var up = $"{p}/{prop}/{k++}";
                    var uname = String(u, "name", up, Error, required: true);
                    if (uname is not null && IamName.Parse(uname, type == IamPrincipalType.User ? "user" : "role").Error is { } nameError)
                    {
                        Error(up + "/name", nameError.Message);
                    }
                    else if (uname is not null && !names.Add(uname))
                    {
                        Error(up + "/name", $"'{uname}' is declared twice (IAM names may not differ only by case)");
                    }

                    var policies = Policies(u, up, Error);
                    var keys = type == IamPrincipalType.User ? Keys(u, up, Error, seenKeys) : [];
                    if (type == IamPrincipalType.Role && u.ValueKind == JsonValueKind.Object && u.TryGetProperty("accessKeys", out _))
                    {
                        Error(up + "/accessKeys", "roles have no access keys; give them to an IAM user");
                    }

                    principals.Add(new PrincipalPlan(type, uname ?? "", String(u, "description", up, Error, required: false), policies, keys, up));
                }
            }

            plans.Add(new AccountPlan(id ?? "", name ?? "", org, regions, Bool(a, "sandbox", true), Bool(a, "sendingEnabled", true), rootEmail,
                Keys(a, p, Error, seenKeys), principals, p)
            {
                Max24HourSend = (int?)Number(a, "max24HourSend", p, Error, min: 1, max: int.MaxValue, whole: true),
                MaxSendRate = Number(a, "maxSendRate", p, Error, min: 1, max: 1_000_000, whole: false),
            });
        }

        return plans;
    }

    private static Dictionary<string, string> Policies(JsonElement owner, string pointer, Action<string, string> error)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty("policies", out var policies))
        {
            return result;
        }

        if (policies.ValueKind != JsonValueKind.Object)
        {
            error(pointer + "/policies", "policies must be an object mapping a policy name to its policy document");
            return result;
        }

        foreach (var policy in policies.EnumerateObject())
        {
            var pp = $"{pointer}/policies/{Escape(policy.Name)}";
            if (IamService.CheckPolicyName(policy.Name).Error is { } nameError)
            {
                error(pp, nameError.Message);
                continue;
            }

            var document = policy.Value.ValueKind == JsonValueKind.String
                ? policy.Value.GetString()!
                : JsonSerializer.Serialize(policy.Value, IndentedJson);
            if (IamService.CheckPolicy(document).Error is { } textError)
            {
                error(pp, textError.Message);
                continue;
            }

            result[policy.Name] = document;
        }

        return result;
    }

    private static List<KeyPlan> Keys(JsonElement owner, string pointer, Action<string, string> error, HashSet<string> seen)
    {
        var result = new List<KeyPlan>();
        if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty("accessKeys", out var keys))
        {
            return result;
        }

        if (keys.ValueKind != JsonValueKind.Array)
        {
            error(pointer + "/accessKeys", "accessKeys must be an array");
            return result;
        }

        var i = 0;
        foreach (var key in keys.EnumerateArray())
        {
            var kp = $"{pointer}/accessKeys/{i++}";
            var id = String(key, "id", kp, error, required: true);
            if (id is not null && !AccessKeysService.IsValidKeyId(id))
            {
                error(kp + "/id", $"'{id}' is not an access key ID: 'AKIA' followed by 16 characters from A-Z and 2-7");
                continue;
            }

            if (id is not null && !seen.Add(id))
            {
                error(kp + "/id", $"access key {id} is declared twice");
                continue;
            }

            var secret = String(key, "secret", kp, error, required: false);
            if (secret is not null && secret.Length is < 16 or > 128)
            {
                error(kp + "/secret", "a secret access key is 16 to 128 characters (leave it out to have one generated)");
            }

            var status = String(key, "status", kp, error, required: false);
            if (status is not null and not ("Active" or "Inactive"))
            {
                error(kp + "/status", "status is Active or Inactive");
            }

            if (i > AccessKeysService.MaxKeysPerPrincipal)
            {
                error(kp, $"at most {AccessKeysService.MaxKeysPerPrincipal} access keys per user");
            }

            result.Add(new KeyPlan(id ?? "", secret, status == "Inactive" ? AccessKeyStatus.Inactive : AccessKeyStatus.Active, kp));
        }

        return result;
    }

    private async Task CheckAgainstDatabaseAsync(ConsoleDbContext db, List<AccountPlan> plan, string path, List<string> errors, CancellationToken ct)
    {
        var ids = plan.SelectMany(a => a.RootKeys.Concat(a.Principals.SelectMany(p => p.Keys)).Select(k => (Account: a, Key: k))).ToList();
        var keyIds = ids.Select(x => x.Key.Id).ToList();
        var existing = await db.AccessKeys.AsNoTracking().Where(k => keyIds.Contains(k.Id)).ToListAsync(ct);
        foreach (var key in existing)
        {
            var declared = ids.Single(x => x.Key.Id == key.Id);
            if (key.AccountId != declared.Account.Id)
            {
                errors.Add($"{path}#{declared.Key.Pointer}/id: access key {key.Id} already belongs to another account");
            }
        }

        foreach (var account in plan.Where(a => a.RootEmail is not null))
        {
            var user = await userManager.FindByEmailAsync(account.RootEmail!);
            if (user is not null && user.AccountId != account.Id)
            {
                errors.Add($"{path}#{account.Pointer}/rootEmail: {account.RootEmail} already signs in to another account");
            }
        }
    }

    private async Task<ProvisioningOutcome> ApplyPlanAsync(ConsoleDbContext db, List<AccountPlan> plan, CancellationToken ct)
    {
        var changes = new List<string>();
        var secrets = new List<string>();
        var now = time.GetUtcNow();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            foreach (var a in plan)
            {
                var account = await db.Accounts.SingleOrDefaultAsync(x => x.Id == a.Id, ct);
                var regions = string.Join(',', a.Regions);
                if (account is null)
                {
                    account = new AccountEntity
                    {
                        Id = a.Id, DisplayName = a.Name, HomeRegions = regions, CreatedAt = now,
                        Max24HourSend = a.Sandbox ? AccountsService.SandboxMax24HourSend : AccountsService.ProductionMax24HourSend,
                        MaxSendRate = a.Sandbox ? AccountsService.SandboxMaxSendRate : AccountsService.ProductionMaxSendRate,
                    };
                    db.Accounts.Add(account);
                    changes.Add($"created account {a.Id} ({a.Name})");
                }

                var max24 = a.Max24HourSend ?? account.Max24HourSend;
                var rate = a.MaxSendRate ?? account.MaxSendRate;
                if (account.DisplayName != a.Name || account.OrganizationId != a.Org || account.HomeRegions != regions
                    || account.Sandbox != a.Sandbox || account.SendingEnabled != a.SendingEnabled
                    || account.Max24HourSend != max24 || account.MaxSendRate != rate)
                {
                    if (db.Entry(account).State != EntityState.Added)
                    {
                        changes.Add($"updated account {a.Id}");
                    }

                    (account.DisplayName, account.OrganizationId, account.HomeRegions, account.Sandbox, account.SendingEnabled) =
                        (a.Name, a.Org, regions, a.Sandbox, a.SendingEnabled);
                    (account.Max24HourSend, account.MaxSendRate) = (max24, rate);
                    account.Version = Guid.NewGuid();
                }

                await ApplyKeysAsync(db, a.Id, null, $"root of {a.Id}", a.RootKeys, changes, secrets, ct);

                foreach (var p in a.Principals)
                {
                    var normalized = p.Name.ToUpperInvariant();
                    var principal = await db.IamPrincipals.Include(x => x.Policies)
                        .SingleOrDefaultAsync(x => x.AccountId == a.Id && x.Type == p.Type && x.NormalizedName == normalized, ct);
                    var arn = IamService.ArnOf(a.Id, p.Type, p.Name);
                    if (principal is null)
                    {
                        principal = new IamPrincipalEntity
                        {
                            Id = Guid.NewGuid(), AccountId = a.Id, Type = p.Type, Name = p.Name, NormalizedName = normalized,
                            Description = p.Description, CreatedAt = now,
                        };
                        db.IamPrincipals.Add(principal);
                        changes.Add($"created {arn}");
                    }
                    else if (principal.Description != p.Description)
                    {
                        principal.Description = p.Description;
                        changes.Add($"updated {arn}");
                    }

                    foreach (var (name, document) in p.Policies)
                    {
                        var policy = principal.Policies.SingleOrDefault(x => x.Name == name);
                        if (policy is null)
                        {
                            db.IamPolicies.Add(new IamPolicyEntity
                            {
                                Id = Guid.NewGuid(), PrincipalId = principal.Id, Name = name, Document = document, UpdatedAt = now, UpdatedBy = "provisioning",
                            });
                            changes.Add($"attached policy {name} to {arn}");
                        }
                        else if (policy.Document != document)
                        {
                            (policy.Document, policy.UpdatedAt, policy.UpdatedBy) = (document, now, "provisioning");
                            changes.Add($"updated policy {name} of {arn}");
                        }
                    }

                    await ApplyKeysAsync(db, a.Id, principal.Id, arn, p.Keys, changes, secrets, ct);
                }
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        foreach (var a in plan.Where(a => a.RootEmail is not null))
        {
            if (await userManager.FindByEmailAsync(a.RootEmail!) is null)
            {
                var password = AccountsService.GeneratePassword();
                var created = await userManager.CreateAsync(
                    new ConsoleUser { UserName = a.RootEmail, Email = a.RootEmail, EmailConfirmed = true, AccountId = a.Id }, password);
                if (created.Succeeded)
                {
                    changes.Add($"created console sign-in {a.RootEmail} for account {a.Id}");
                    secrets.Add($"console password of {a.RootEmail}: {password}");
                }
            }
        }

        return new ProvisioningOutcome([], changes, secrets);
    }

    private async Task ApplyKeysAsync(ConsoleDbContext db, string accountId, Guid? principalId, string owner, List<KeyPlan> keys,
        List<string> changes, List<string> secrets, CancellationToken ct)
    {
        foreach (var k in keys)
        {
            var key = await db.AccessKeys.SingleOrDefaultAsync(x => x.Id == k.Id, ct);
            if (key is null)
            {
                var secret = k.Secret ?? AccessKeysService.NewKey().Secret;
                key = accessKeys.CreateEntity(k.Id, secret, accountId, principalId);
                key.Status = k.Status;
                db.AccessKeys.Add(key);
                changes.Add($"created access key {k.Id} for {owner}");
                if (k.Secret is null)
                {
                    secrets.Add($"secret access key of {k.Id} ({owner}): {secret}");
                }
            }
            else if (key.Status != k.Status)
            {
                key.Status = k.Status;
                changes.Add($"set access key {k.Id} {k.Status}");
            }
        }
    }

    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string? String(JsonElement owner, string name, string pointer, Action<string, string> error, bool required)
    {
        if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                error(pointer, $"\"{name}\" is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String || (required && string.IsNullOrWhiteSpace(value.GetString())))
        {
            error($"{pointer}/{name}", $"\"{name}\" must be a non-empty string");
            return null;
        }

        return value.GetString();
    }

    private static double? Number(JsonElement owner, string name, string pointer, Action<string, string> error, double min, double max, bool whole)
    {
        if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || number < min || number > max || (whole && number != Math.Floor(number)))
        {
            error($"{pointer}/{name}", $"\"{name}\" must be a {(whole ? "whole " : "")}number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }

        return number;
    }

    private static bool Bool(JsonElement owner, string name, bool fallback) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : fallback;
}
