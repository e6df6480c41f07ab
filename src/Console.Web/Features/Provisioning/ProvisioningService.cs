using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.ConfigurationSets;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Features.Provisioning;

/// <summary>The outcome of applying a provisioning file. When <see cref="Errors"/> is not empty nothing was applied.</summary>
public sealed record ProvisioningOutcome(IReadOnlyList<string> Errors, IReadOnlyList<string> Changes, IReadOnlyList<string> GeneratedSecrets)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Applies a provisioning file: accounts, IAM users and roles, their identity-based policies and access keys, and the
/// accounts' configuration sets, declared in
/// JSON and kept in git by operators. Applying is idempotent (a second run changes nothing) and all-or-nothing: the whole
/// file is validated first, and every error names the file, the JSON pointer and the problem. The format is in README.md.
/// </summary>
public sealed class ProvisioningService(
    IDbContextFactory<ConsoleDbContext> dbFactory,
    UserManager<ConsoleUser> userManager,
    AccessKeysService accessKeys,
    PrincipalDirectoryLoader directoryLoader,
    IOptions<ConsoleOptions> options,
    TimeProvider time,
    Audit.AuditTrail audit)
{
    public async Task<ProvisioningOutcome> ApplyAsync(string path, CancellationToken ct = default)
    {
        audit.Actor.UseProvisioning(); // every change below is recorded as made by the provisioning file (docs/audit-log.md#who-and-how)
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
            var signIns = await CheckAgainstDatabaseAsync(db, plan, path, errors, ct);
            if (errors.Count > 0)
            {
                return new ProvisioningOutcome(errors, [], []);
            }

            return await ApplyPlanAsync(db, plan, signIns, ct);
        }
    }

    private static ProvisioningOutcome Failed(string error) => new([error], [], []);

    private sealed record KeyPlan(string Id, string? Secret, AccessKeyStatus Status, string Pointer);

    /// <summary>A root console sign-in to create, already validated by Identity's user validators.</summary>
    private sealed record RootSignIn(ConsoleUser User, string Password);

    private static readonly string[] RootProperties = ["accounts"];

    private static readonly string[] AccountProperties =
        ["id", "name", "organizationId", "regions", "sandbox", "sendingEnabled", "max24HourSend", "maxSendRate", "rootEmail", "accessKeys", "users", "roles", "configurationSets"];

    private static readonly string[] ConfigurationSetProperties = ["name", "region"];

    private static readonly string[] UserProperties = ["name", "description", "policies", "accessKeys"];

    // A role's accessKeys is listed so that it gets its own, clearer error ("roles have no access keys") instead of "unknown property".
    private static readonly string[] RoleProperties = ["name", "description", "policies", "trustPolicy", "maxSessionDuration", "accessKeys"];

    private static readonly string[] KeyProperties = ["id", "secret", "status"];

    private sealed record PrincipalPlan(IamPrincipalType Type, string Name, string? Description, Dictionary<string, string> Policies, List<KeyPlan> Keys, string Pointer)
    {
        /// <summary>A role's trust policy text when the file sets it (checked against the database and the file in <see cref="CheckAgainstDatabaseAsync"/>).</summary>
        public string? TrustPolicy { get; init; }

        /// <summary>A role's maximum session duration in seconds when the file sets it.</summary>
        public int? MaxSessionDuration { get; init; }
    }

    private sealed record AccountPlan(string Id, string Name, string? Org, List<string> Regions, bool Sandbox, bool SendingEnabled,
        string? RootEmail, List<KeyPlan> RootKeys, List<PrincipalPlan> Principals, string Pointer)
    {
        /// <summary>The account's sending quota when the file sets it; otherwise SES's sandbox or production default for a new account.</summary>
        public int? Max24HourSend { get; init; }

        public double? MaxSendRate { get; init; }

        /// <summary>Configuration sets to create when missing (never deleted by provisioning).</summary>
        public List<ConfigurationSetPlan> ConfigurationSets { get; init; } = [];
    }

    private sealed record ConfigurationSetPlan(string Name, string Region);

    private List<AccountPlan> Parse(JsonElement root, string path, List<string> errors)
    {
        var plans = new List<AccountPlan>();
        void Error(string pointer, string message) => errors.Add($"{path}#{pointer}: {message}");

        Unknown(root, "", RootProperties, Error);
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("accounts", out var accounts) || accounts.ValueKind != JsonValueKind.Array)
        {
            Error("", "the file must be an object with an \"accounts\" array");
            return plans;
        }

        var seenAccounts = new HashSet<string>(StringComparer.Ordinal);
        var seenKeys = new HashSet<string>(StringComparer.Ordinal);
        var seenEmails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        foreach (var a in accounts.EnumerateArray())
        {
            var p = $"/accounts/{i++}";
            if (a.ValueKind != JsonValueKind.Object)
            {
                Error(p, "each account must be an object");
                continue;
            }

            Unknown(a, p, AccountProperties, Error);

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
                    if (region.ValueKind != JsonValueKind.String)
                    {
                        Error($"{p}/regions/{j++}", "a region must be a string, for example \"us-east-1\"");
                        continue;
                    }

                    var value = region.GetString()!;
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
            else if (rootEmail is not null && !seenEmails.Add(rootEmail))
            {
                Error(p + "/rootEmail", $"{rootEmail} is the root sign-in of another account in this file");
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
                    if (u.ValueKind != JsonValueKind.Object)
                    {
                        Error(up, $"each entry of {prop} must be an object");
                        continue;
                    }

                    Unknown(u, up, type == IamPrincipalType.User ? UserProperties : RoleProperties, Error);
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

                    principals.Add(new PrincipalPlan(type, uname ?? "", String(u, "description", up, Error, required: false), policies, keys, up)
                    {
                        TrustPolicy = type == IamPrincipalType.Role ? TrustPolicyText(u, up, Error) : null,
                        MaxSessionDuration = type == IamPrincipalType.Role
                            ? (int?)Number(u, "maxSessionDuration", up, Error, min: SessionDuration.MinRoleMaximumSeconds, max: SessionDuration.MaxSeconds, whole: true)
                            : null,
                    });
                }
            }

            plans.Add(new AccountPlan(id ?? "", name ?? "", org, regions, Bool(a, "sandbox", p, Error, fallback: true), Bool(a, "sendingEnabled", p, Error, fallback: true), rootEmail,
                Keys(a, p, Error, seenKeys), principals, p)
            {
                Max24HourSend = (int?)Number(a, "max24HourSend", p, Error, min: 1, max: int.MaxValue, whole: true),
                MaxSendRate = Number(a, "maxSendRate", p, Error, min: 1, max: 1_000_000, whole: false),
                ConfigurationSets = ConfigurationSets(a, p, regions, Error),
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

    /// <summary>A role's <c>trustPolicy</c>: a policy document (an object, or its JSON as a string); validated later, when the principals are known.</summary>
    private static string? TrustPolicyText(JsonElement role, string pointer, Action<string, string> error)
    {
        if (role.ValueKind != JsonValueKind.Object || !role.TryGetProperty("trustPolicy", out var policy) || policy.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (policy.ValueKind is not (JsonValueKind.Object or JsonValueKind.String))
        {
            error(pointer + "/trustPolicy", $"\"trustPolicy\" must be a policy document (an object), not {Describe(policy)}");
            return null;
        }

        return policy.ValueKind == JsonValueKind.String ? policy.GetString()! : JsonSerializer.Serialize(policy, IndentedJson);
    }

    /// <summary>
    /// <c>"configurationSets": ["transactional", { "name": "marketing", "region": "eu-west-1" }]</c>: a name alone is
    /// created in every region of the account; an object names one of the account's regions.
    /// </summary>
    private static List<ConfigurationSetPlan> ConfigurationSets(JsonElement account, string pointer, List<string> regions, Action<string, string> error)
    {
        var result = new List<ConfigurationSetPlan>();
        if (!account.TryGetProperty("configurationSets", out var sets))
        {
            return result;
        }

        if (sets.ValueKind != JsonValueKind.Array)
        {
            error(pointer + "/configurationSets", "configurationSets must be an array of names or of { \"name\", \"region\" } objects");
            return result;
        }

        var i = 0;
        foreach (var set in sets.EnumerateArray())
        {
            var sp = $"{pointer}/configurationSets/{i++}";
            string? name;
            IEnumerable<string> inRegions;
            if (set.ValueKind == JsonValueKind.String)
            {
                (name, inRegions) = (set.GetString(), regions);
            }
            else if (set.ValueKind == JsonValueKind.Object)
            {
                Unknown(set, sp, ConfigurationSetProperties, error);
                name = String(set, "name", sp, error, required: true);
                var region = String(set, "region", sp, error, required: false);
                if (region is not null && !regions.Contains(region, StringComparer.Ordinal))
                {
                    error(sp + "/region", $"'{region}' is not one of this account's regions ({string.Join(", ", regions)})");
                    continue;
                }

                inRegions = region is null ? regions : [region];
            }
            else
            {
                error(sp, $"a configuration set is a name or a {{ \"name\", \"region\" }} object, not {Describe(set)}");
                continue;
            }

            if (name is null)
            {
                continue;
            }

            if (ConfigurationSetsService.CheckName(name).Error is { } nameError)
            {
                error(set.ValueKind == JsonValueKind.String ? sp : sp + "/name", nameError.Message);
                continue;
            }

            foreach (var region in inRegions)
            {
                if (result.Any(r => r.Name == name && r.Region == region))
                {
                    error(sp, $"configuration set {name} is declared twice in {region}");
                    continue;
                }

                result.Add(new ConfigurationSetPlan(name, region));
            }
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
            if (key.ValueKind != JsonValueKind.Object)
            {
                error(kp, "each access key must be an object with an \"id\"");
                continue;
            }

            Unknown(key, kp, KeyProperties, error);
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

    /// <summary>
    /// The checks that need the database: who already holds each declared key (and with which secret), how many keys each
    /// principal would end up with, and whether each root sign-in can be created. Returns the sign-ins to create.
    /// </summary>
    private async Task<List<(AccountPlan Account, RootSignIn SignIn)>> CheckAgainstDatabaseAsync(ConsoleDbContext db, List<AccountPlan> plan, string path,
        List<string> errors, CancellationToken ct)
    {
        void Error(string pointer, string message) => errors.Add($"{path}#{pointer}: {message}");

        var accountIds = plan.Select(a => a.Id).ToList();
        var declared = plan.SelectMany(a => a.RootKeys.Select(k => (Account: a, Owner: (PrincipalPlan?)null, Key: k))
            .Concat(a.Principals.SelectMany(p => p.Keys.Select(k => (Account: a, Owner: (PrincipalPlan?)p, Key: k))))).ToList();
        var keyIds = declared.Select(x => x.Key.Id).ToList();
        var existingKeys = await db.AccessKeys.AsNoTracking().Where(k => keyIds.Contains(k.Id) || accountIds.Contains(k.AccountId)).ToListAsync(ct);
        var principalIds = existingKeys.Where(k => k.PrincipalId != null).Select(k => k.PrincipalId!.Value).Distinct().ToList();
        var principals = await db.IamPrincipals.AsNoTracking().Where(p => accountIds.Contains(p.AccountId) || principalIds.Contains(p.Id)).ToListAsync(ct);

        string ArnOfKey(AccessKeyEntity key) => key.PrincipalId is { } id ? principals.Single(p => p.Id == id).Arn : Caller.RootArnOf(key.AccountId);
        IamPrincipalEntity? Existing(string accountId, PrincipalPlan p) => principals.SingleOrDefault(x =>
            x.AccountId == accountId && x.Type == p.Type && string.Equals(x.NormalizedName, p.Name, StringComparison.OrdinalIgnoreCase));

        foreach (var (account, owner, declaredKey) in declared)
        {
            var key = existingKeys.SingleOrDefault(k => k.Id == declaredKey.Id);
            if (key is null)
            {
                continue;
            }

            if (key.AccountId != account.Id)
            {
                Error(declaredKey.Pointer + "/id", $"access key {key.Id} already belongs to another account");
                continue;
            }

            var sameOwner = owner is null ? key.PrincipalId is null : key.PrincipalId is { } id && Existing(account.Id, owner)?.Id == id;
            if (!sameOwner)
            {
                Error(declaredKey.Pointer + "/id", $"access key {key.Id} already belongs to {ArnOfKey(key)}; a key never moves to another principal");
                continue;
            }

            if (declaredKey.Secret is not null && !accessKeys.HasSecret(key, declaredKey.Secret))
            {
                Error(declaredKey.Pointer + "/secret", $"differs from the stored secret of {key.Id}; provisioning never changes a secret "
                    + "(leave \"secret\" out to keep the stored one, or delete the key and declare it again)");
            }
        }

        // IAM's quota counts every key of the principal, also those created in the console that the file does not declare.
        foreach (var account in plan)
        {
            var owners = new List<(string Arn, Guid? PrincipalId, bool Exists, List<KeyPlan> Keys, string Pointer)>
            {
                (Caller.RootArnOf(account.Id), null, true, account.RootKeys, account.Pointer),
            };
            owners.AddRange(account.Principals.Where(p => p.Type == IamPrincipalType.User).Select(p => Existing(account.Id, p) is { } e
                ? (e.Arn, (Guid?)e.Id, true, p.Keys, p.Pointer)
                : (IamService.ArnOf(account.Id, p.Type, p.Name), null, false, p.Keys, p.Pointer)));
            foreach (var (arn, principalId, exists, keys, pointer) in owners.Where(o => o.Exists && o.Keys.Count > 0))
            {
                var undeclared = existingKeys
                    .Where(k => k.AccountId == account.Id && k.PrincipalId == principalId && !keys.Any(d => d.Id == k.Id))
                    .Select(k => k.Id).Order(StringComparer.Ordinal).ToList();
                if (undeclared.Count > 0 && keys.Count + undeclared.Count > AccessKeysService.MaxKeysPerPrincipal)
                {
                    Error(pointer + "/accessKeys", $"{arn} already has access key {string.Join(" and ", undeclared)}, which this file does not declare; "
                        + $"with the {keys.Count} declared here it would have {keys.Count + undeclared.Count}, and the limit is "
                        + $"{AccessKeysService.MaxKeysPerPrincipal} per user (delete a key in the console first, or declare the existing one)");
                }
            }
        }

        // Trust policies name principals, which must exist (as IAM checks): those in the database and those this file declares.
        if (plan.Any(a => a.Principals.Any(p => p.TrustPolicy is not null)))
        {
            var directory = new PlannedPrincipals(await directoryLoader.LoadAsync(ct), plan);
            foreach (var role in plan.SelectMany(a => a.Principals).Where(p => p.TrustPolicy is not null))
            {
                if (IamService.CheckTrustPolicy(role.TrustPolicy, directory).Error is { } trustError)
                {
                    Error(role.Pointer + "/trustPolicy", trustError.Message);
                }
            }
        }

        var signIns = new List<(AccountPlan, RootSignIn)>();
        foreach (var account in plan.Where(a => a.RootEmail is not null))
        {
            var email = account.RootEmail!;
            var user = await userManager.FindByEmailAsync(email);
            if (user is not null)
            {
                if (user.AccountId != account.Id)
                {
                    Error(account.Pointer + "/rootEmail", $"{email} already signs in to another account");
                }

                continue;
            }

            var candidate = new ConsoleUser { UserName = email, Email = email, EmailConfirmed = true, AccountId = account.Id };
            var password = AccountsService.GeneratePassword();
            var problems = new List<string>();
            foreach (var validator in userManager.UserValidators)
            {
                problems.AddRange((await validator.ValidateAsync(userManager, candidate)).Errors.Select(e => e.Description));
            }

            foreach (var validator in userManager.PasswordValidators)
            {
                problems.AddRange((await validator.ValidateAsync(userManager, candidate, password)).Errors.Select(e => e.Description));
            }

            if (problems.Count > 0)
            {
                Error(account.Pointer + "/rootEmail", $"cannot create the console sign-in {email}: {string.Join(" ", problems)}");
                continue;
            }

            signIns.Add((account, new RootSignIn(candidate, password)));
        }

        return signIns;
    }

    private async Task<ProvisioningOutcome> ApplyPlanAsync(ConsoleDbContext db, List<AccountPlan> plan, List<(AccountPlan Account, RootSignIn SignIn)> signIns,
        CancellationToken ct)
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
                    Audited(db, a.Id, AuditKinds.AdminAccountCreated, a.Id, $"Created account {a.Id} ({a.Name}) from the provisioning file.");
                }

                var max24 = a.Max24HourSend ?? account.Max24HourSend;
                var rate = a.MaxSendRate ?? account.MaxSendRate;
                if (account.DisplayName != a.Name || account.OrganizationId != a.Org || account.HomeRegions != regions
                    || account.Sandbox != a.Sandbox || account.SendingEnabled != a.SendingEnabled
                    || account.Max24HourSend != max24 || account.MaxSendRate != rate)
                {
                    var before = db.Entry(account).State != EntityState.Added ? AccountState(account) : null;
                    if (before is not null)
                    {
                        changes.Add($"updated account {a.Id}");
                    }

                    (account.DisplayName, account.OrganizationId, account.HomeRegions, account.Sandbox, account.SendingEnabled) =
                        (a.Name, a.Org, regions, a.Sandbox, a.SendingEnabled);
                    (account.Max24HourSend, account.MaxSendRate) = (max24, rate);
                    account.Version = Guid.NewGuid();
                    if (before is not null)
                    {
                        Audited(db, a.Id, AuditKinds.AdminAccountUpdated, a.Id, $"Updated account {a.Id} from the provisioning file.", before, AccountState(account));
                    }
                }

                await ApplyKeysAsync(db, a.Id, null, $"root of {a.Id}", a.RootKeys, changes, secrets, ct);

                foreach (var set in a.ConfigurationSets)
                {
                    if (!await db.ConfigurationSets.AnyAsync(c => c.AccountId == a.Id && c.Region == set.Region && c.Name == set.Name, ct))
                    {
                        db.ConfigurationSets.Add(new ConfigurationSetEntity { Id = Guid.NewGuid(), AccountId = a.Id, Region = set.Region, Name = set.Name, CreatedAt = now });
                        changes.Add($"created configuration set {set.Name} of {a.Id} in {set.Region}");
                    }
                }

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
                        Audited(db, a.Id, p.Type == IamPrincipalType.User ? AuditKinds.IamUserCreated : AuditKinds.IamRoleCreated, arn, $"Created {arn} from the provisioning file.");
                    }
                    else if (principal.Description != p.Description)
                    {
                        Audited(db, a.Id, AuditKinds.IamRoleUpdated, arn, $"Updated the description of {arn} from the provisioning file.",
                            Audit.AuditTrail.Json(new { principal.Description }), Audit.AuditTrail.Json(new { p.Description }));
                        principal.Description = p.Description;
                        changes.Add($"updated {arn}");
                    }

                    if (p.TrustPolicy is { } trust && principal.TrustPolicy != trust)
                    {
                        Audited(db, a.Id, AuditKinds.IamRoleTrust, arn, $"Set the trust policy of {arn} from the provisioning file.", principal.TrustPolicy, trust);
                        principal.TrustPolicy = trust;
                        changes.Add($"set the trust policy of {arn}");
                    }

                    if (p.MaxSessionDuration is { } maxSession && principal.MaxSessionDurationSeconds != maxSession)
                    {
                        Audited(db, a.Id, AuditKinds.IamRoleUpdated, arn, $"Set the maximum session duration of {arn} to {maxSession} seconds from the provisioning file.",
                            Audit.AuditTrail.Json(new { MaxSessionDuration = principal.MaxSessionDurationSeconds }), Audit.AuditTrail.Json(new { MaxSessionDuration = maxSession }));
                        principal.MaxSessionDurationSeconds = maxSession;
                        changes.Add($"set the maximum session duration of {arn} to {maxSession} seconds");
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
                            Audited(db, a.Id, AuditKinds.IamPolicyPut, arn, $"Attached policy {name} to {arn} from the provisioning file.", null, document);
                        }
                        else if (policy.Document != document)
                        {
                            Audited(db, a.Id, AuditKinds.IamPolicyPut, arn, $"Updated policy {name} of {arn} from the provisioning file.", policy.Document, document);
                            (policy.Document, policy.UpdatedAt, policy.UpdatedBy) = (document, now, "provisioning");
                            changes.Add($"updated policy {name} of {arn}");
                        }
                    }

                    await ApplyKeysAsync(db, a.Id, principal.Id, arn, p.Keys, changes, secrets, ct);
                }
            }

            // The root sign-ins are rows of this same transaction (validated above with Identity's validators), so an
            // account is never left without the sign-in the file declares, nor a sign-in without its account.
            foreach (var (a, signIn) in signIns)
            {
                var user = signIn.User;
                user.NormalizedUserName = userManager.NormalizeName(user.UserName);
                user.NormalizedEmail = userManager.NormalizeEmail(user.Email);
                user.SecurityStamp = Guid.NewGuid().ToString("N").ToUpperInvariant();
                user.PasswordHash = userManager.PasswordHasher.HashPassword(user, signIn.Password);
                db.Users.Add(user);
                changes.Add($"created console sign-in {user.Email} for account {a.Id}");
                Audited(db, a.Id, AuditKinds.IamConsoleAccess, Caller.RootArnOf(a.Id), $"Created the console sign-in {user.Email} for account {a.Id} from the provisioning file.");
                secrets.Add($"console password of {user.Email}: {signIn.Password}");
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
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
                Audited(db, accountId, AuditKinds.AccessKeyCreated, k.Id, $"Created access key {k.Id} for {owner} from the provisioning file.", null,
                    Audit.AuditTrail.Json(new { AccessKeyId = k.Id, Owner = owner, Status = k.Status.ToString() }));
                if (k.Secret is null)
                {
                    secrets.Add($"secret access key of {k.Id} ({owner}): {secret}");
                }
            }
            else if (key.Status != k.Status)
            {
                Audited(db, accountId, AuditKinds.AccessKeyUpdated, k.Id, $"Made access key {k.Id} {k.Status} from the provisioning file.",
                    Audit.AuditTrail.Json(new { AccessKeyId = k.Id, Status = key.Status.ToString() }), Audit.AuditTrail.Json(new { AccessKeyId = k.Id, Status = k.Status.ToString() }));
                key.Status = k.Status;
                changes.Add($"set access key {k.Id} {k.Status}");
            }
        }
    }

    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    /// <summary>Adds the entry of one applied change to the file's transaction (docs/audit-log.md#same-transaction).</summary>
    private void Audited(ConsoleDbContext db, string accountId, string kind, string target, string summary, string? before = null, string? after = null) =>
        audit.Record(db, null, new Audit.AuditChange(accountId, null, kind, target, summary, before, after));

    private static string AccountState(AccountEntity a) => Audit.AuditTrail.Json(new
    {
        a.DisplayName, a.OrganizationId, a.HomeRegions, a.Sandbox, a.SendingEnabled, a.Max24HourSend, a.MaxSendRate,
    });

    /// <summary>The principals in the database plus the accounts, users and roles the file declares.</summary>
    private sealed class PlannedPrincipals(IPrincipalDirectory saved, List<AccountPlan> plan) : IPrincipalDirectory
    {
        public bool AccountExists(AccountId account) => saved.AccountExists(account) || plan.Any(a => a.Id == account.Value);

        public bool PrincipalExists(PrincipalArn arn) => saved.PrincipalExists(arn) || arn.Kind switch
        {
            PrincipalKind.AccountRoot => AccountExists(arn.Account),
            PrincipalKind.User or PrincipalKind.Role or PrincipalKind.AssumedRole => plan.Any(a => a.Id == arn.Account.Value && a.Principals.Any(p =>
                p.Name == arn.Name && p.Type == (arn.Kind == PrincipalKind.User ? IamPrincipalType.User : IamPrincipalType.Role))),
            _ => false,
        };

        public bool IsKnownService(string service) => saved.IsKnownService(service);
    }

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

    private static bool Bool(JsonElement owner, string name, string pointer, Action<string, string> error, bool fallback)
    {
        if (!owner.TryGetProperty(name, out var value))
        {
            return fallback;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            // "no", 0 or null must not quietly become the default: a typo would turn a production account into a sandbox one.
            error($"{pointer}/{name}", $"\"{name}\" must be true or false, not {Describe(value)}");
            return fallback;
        }

        return value.GetBoolean();
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => value.ValueKind.ToString(),
    };

    /// <summary>Every property of <paramref name="owner"/> not in <paramref name="known"/> is an error (a typo would otherwise be ignored).</summary>
    private static void Unknown(JsonElement owner, string pointer, string[] known, Action<string, string> error)
    {
        if (owner.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in owner.EnumerateObject())
        {
            if (known.Contains(property.Name, StringComparer.Ordinal))
            {
                continue;
            }

            var nearest = Suggestions.Closest(property.Name, known);
            error($"{pointer}/{Escape(property.Name)}", $"unknown property \"{property.Name}\"" + (nearest is null
                ? $"; the known properties here are {string.Join(", ", known)}"
                : $"; did you mean \"{nearest}\"?"));
        }
    }
}
