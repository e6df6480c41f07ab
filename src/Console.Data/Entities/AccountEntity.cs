namespace SesConsole.Data.Entities;

/// <summary>An account: the unit that owns identities and to which quota, rate, reputation and billing are charged.</summary>
public sealed class AccountEntity
{
    /// <summary>The 12-digit account ID.</summary>
    public required string Id { get; set; }

    public required string DisplayName { get; set; }

    public string? OrganizationId { get; set; }

    /// <summary>Home regions, comma-separated (for example <c>us-east-1,eu-west-1</c>).</summary>
    public required string HomeRegions { get; set; }

    /// <summary>New accounts start in the sandbox, as in SES.</summary>
    public bool Sandbox { get; set; } = true;

    /// <summary>The account's own switch (v1 <c>UpdateAccountSendingEnabled</c>); sends are refused when false or when <see cref="EnforcementStatus"/> is Paused.</summary>
    public bool SendingEnabled { get; set; } = true;

    /// <summary>Healthy, under review or paused by reputation (docs/reputation.md#enforcement).</summary>
    public EnforcementStatus EnforcementStatus { get; set; } = EnforcementStatus.Healthy;

    /// <summary>Reputation is counted from this time when it is later than the window's start: set when an admin resumes a paused account.</summary>
    public DateTimeOffset? ReputationSince { get; set; }

    /// <summary>Rolling 24 h quota in recipients (SES sandbox default 200).</summary>
    public int Max24HourSend { get; set; } = 200;

    /// <summary>Maximum messages per second (SES sandbox default 1).</summary>
    public double MaxSendRate { get; set; } = 1;

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>App-managed optimistic concurrency token (SQLite has no rowversion).</summary>
    public Guid Version { get; set; } = Guid.NewGuid();

    public IReadOnlyList<string> RegionList => HomeRegions.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
