namespace SesConsole.Data.Entities;

/// <summary>
/// One recorded change (docs/audit-log.md#what-is-recorded): who changed what in which account, how, from where, and the
/// state before and after. Written in the same <c>SaveChanges</c> as the change itself and never modified or deleted by
/// the application (<see cref="ConsoleDbContext"/> refuses it, docs/audit-log.md#append-only).
/// </summary>
public sealed class AuditEntryEntity
{
    /// <summary>A version 7 GUID: sortable by creation time.</summary>
    public Guid Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The account whose resource changed (the one that sees the entry).</summary>
    public required string AccountId { get; set; }

    /// <summary>The region of the resource; null for account-wide and global (IAM) changes.</summary>
    public string? Region { get; set; }

    /// <summary>A stable dotted code, e.g. <c>policy.put</c>, <c>iam.accesskey.created</c> (<see cref="AuditKinds"/>).</summary>
    public required string Kind { get; set; }

    /// <summary>What the change is about: an identity name, a principal ARN, an access key ID, an account ID.</summary>
    public required string Target { get; set; }

    /// <summary>The principal that made the change: an IAM ARN, <c>admin:NAME</c>, <c>provisioning</c> or <c>system</c>.</summary>
    public required string ActorArn { get; set; }

    /// <summary>The actor's account; null for platform admins, provisioning and the system.</summary>
    public string? ActorAccountId { get; set; }

    /// <summary><c>console</c>, <c>api</c>, <c>provisioning</c> or <c>system</c>.</summary>
    public required string Via { get; set; }

    /// <summary>The access key ID (API) or the console user name; never a secret.</summary>
    public string? Credential { get; set; }

    public string? SourceIp { get; set; }

    /// <summary>One human sentence.</summary>
    public required string Summary { get; set; }

    /// <summary>The state before, as JSON (a policy's document as written); null when the thing did not exist.</summary>
    public string? Before { get; set; }

    /// <summary>The state after, as JSON; null when the thing no longer exists.</summary>
    public string? After { get; set; }
}

/// <summary>The <see cref="AuditEntryEntity.Kind"/> codes (docs/audit-log.md#kinds).</summary>
public static class AuditKinds
{
    public const string IdentityCreated = "identity.created";
    public const string IdentityDeleted = "identity.deleted";
    public const string IdentityVerification = "identity.verification";
    public const string IdentityDkim = "identity.dkim";
    public const string IdentityMailFrom = "identity.mailfrom";
    public const string IdentityNotifications = "identity.notifications";
    public const string IdentityConfigurationSet = "identity.configurationset";
    public const string PolicyPut = "policy.put";
    public const string PolicyRenamed = "policy.renamed";
    public const string PolicyDeleted = "policy.deleted";
    public const string ConfigurationSetCreated = "configurationset.created";
    public const string ConfigurationSetDeleted = "configurationset.deleted";
    public const string ConfigurationSetDestination = "configurationset.destination";
    public const string TemplateCreated = "template.created";
    public const string TemplateUpdated = "template.updated";
    public const string TemplateDeleted = "template.deleted";
    public const string IamUserCreated = "iam.user.created";
    public const string IamUserDeleted = "iam.user.deleted";
    public const string IamRoleCreated = "iam.role.created";
    public const string IamRoleDeleted = "iam.role.deleted";
    public const string IamRoleUpdated = "iam.role.updated";
    public const string IamRoleTrust = "iam.role.trust";
    public const string IamPolicyPut = "iam.policy.put";
    public const string IamPolicyDeleted = "iam.policy.deleted";
    public const string IamConsoleAccess = "iam.console";
    public const string AccessKeyCreated = "iam.accesskey.created";
    public const string AccessKeyUpdated = "iam.accesskey.updated";
    public const string AccessKeyDeleted = "iam.accesskey.deleted";
    public const string AccountSettings = "account.settings";
    public const string AccountEnforcement = "account.enforcement";
    public const string AdminAccountCreated = "admin.account.created";
    public const string AdminAccountDeleted = "admin.account.deleted";
    public const string AdminAccountPaused = "admin.account.paused";
    public const string AdminAccountResumed = "admin.account.resumed";
    public const string AdminAccountUpdated = "admin.account.updated";

    /// <summary>Kinds whose before/after are policy documents (shown as a line diff).</summary>
    public static bool IsDocument(string kind) => kind is PolicyPut or PolicyRenamed or PolicyDeleted or IamPolicyPut or IamPolicyDeleted or IamRoleTrust;

    /// <summary>Every code, for the page's kind filter.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        IdentityCreated, IdentityDeleted, IdentityVerification, IdentityDkim, IdentityMailFrom, IdentityNotifications, IdentityConfigurationSet,
        PolicyPut, PolicyRenamed, PolicyDeleted,
        ConfigurationSetCreated, ConfigurationSetDeleted, ConfigurationSetDestination,
        TemplateCreated, TemplateUpdated, TemplateDeleted,
        IamUserCreated, IamUserDeleted, IamRoleCreated, IamRoleDeleted, IamRoleUpdated, IamRoleTrust, IamPolicyPut, IamPolicyDeleted, IamConsoleAccess,
        AccessKeyCreated, AccessKeyUpdated, AccessKeyDeleted,
        AccountSettings, AccountEnforcement,
        AdminAccountCreated, AdminAccountDeleted, AdminAccountPaused, AdminAccountResumed, AdminAccountUpdated,
    ];
}

/// <summary><see cref="AuditEntryEntity.Via"/> values.</summary>
public static class AuditVia
{
    public const string Console = "console";
    public const string Api = "api";
    public const string Provisioning = "provisioning";
    public const string System = "system";
}
