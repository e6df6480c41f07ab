using SesConsole.Domain.Authorization;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending;

namespace SesConsole.Domain.Tests.Sending;

internal sealed class FakeIdentityDirectory : ISendingIdentityDirectory
{
    public Dictionary<(string Account, string Region), List<SendingIdentity>> Identities { get; } = [];

    public void Add(SendingIdentity identity) =>
        (Identities.TryGetValue((identity.Arn.Account.Value, identity.Arn.Region), out var list) ? list
            : Identities[(identity.Arn.Account.Value, identity.Arn.Region)] = []).Add(identity);

    public ValueTask<IReadOnlyList<SendingIdentity>> GetIdentitiesAsync(string account, string region, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<SendingIdentity>>(Identities.TryGetValue((account, region), out var list) ? [.. list] : []);
}

internal sealed class FakeCallerPolicies : ICallerPolicyStore
{
    public Dictionary<string, CompiledPolicySet> Policies { get; } = new(StringComparer.Ordinal);

    public ValueTask<CompiledPolicySet> GetIdentityPoliciesAsync(RequestPrincipal principal, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Policies.GetValueOrDefault(principal.RoleArn ?? principal.Arn) ?? CompiledPolicySet.Empty);
}

internal sealed class FakeAccounts : ISendingAccountDirectory
{
    public Dictionary<string, SendingAccount> Accounts { get; } = new(StringComparer.Ordinal);

    public void Set(string id, bool sandbox = false, AccountSendingStatus status = AccountSendingStatus.Enabled) =>
        Accounts[id] = new SendingAccount(id, sandbox, status);

    public ValueTask<SendingAccount?> GetAsync(string account, string region, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Accounts.GetValueOrDefault(account));
}

/// <summary>The rolling window and token bucket of <see cref="SendQuotaMath"/>, atomic under a lock.</summary>
internal sealed class FakeQuota(double max24HourSend = 200, double maxSendRate = 14) : ISendingQuota
{
    private readonly Lock _gate = new();
    private readonly List<(string Id, DateTimeOffset At, int Recipients)> _sent = [];
    private TokenBucketState? _bucket;
    private int _next;

    public double Max24HourSend { get; set; } = max24HourSend;

    public double MaxSendRate { get; set; } = maxSendRate;

    public int Reserved { get { lock (_gate) { return _sent.Sum(s => s.Recipients); } } }

    public ValueTask<QuotaResult> TryReserveAsync(string account, string region, QuotaCharge charge, DateTimeOffset now, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Check(charge, now, reserve: true));

    public ValueTask<QuotaResult> PeekAsync(string account, string region, QuotaCharge charge, DateTimeOffset now, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Check(charge, now, reserve: false));

    public ValueTask ReleaseAsync(string reservationId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _sent.RemoveAll(s => s.Id == reservationId);
        }

        return ValueTask.CompletedTask;
    }

    private QuotaResult Check(QuotaCharge charge, DateTimeOffset now, bool reserve)
    {
        lock (_gate)
        {
            var sent = _sent.Where(s => s.At > now - SendQuotaMath.Window).Sum(s => s.Recipients);
            if (!SendQuotaMath.FitsDailyQuota(Max24HourSend, sent, charge.DailyRecipients))
            {
                return new QuotaResult(QuotaVerdict.DailyQuotaExceeded, Max24HourSend, sent, MaxSendRate);
            }

            var bucket = _bucket ?? SendQuotaMath.Full(MaxSendRate, now);
            if (!SendQuotaMath.TryTake(ref bucket, MaxSendRate, charge.RateRecipients, now))
            {
                return new QuotaResult(QuotaVerdict.MaxSendRateExceeded, Max24HourSend, sent, MaxSendRate);
            }

            if (!reserve)
            {
                return new QuotaResult(QuotaVerdict.Reserved, Max24HourSend, sent + charge.DailyRecipients, MaxSendRate);
            }

            _bucket = bucket;
            var id = $"r{++_next}";
            _sent.Add((id, now, charge.DailyRecipients));
            return new QuotaResult(QuotaVerdict.Reserved, Max24HourSend, sent + charge.DailyRecipients, MaxSendRate, id);
        }
    }
}

internal sealed class FakeConfigurationSets : IConfigurationSetDirectory
{
    public HashSet<(string Account, string Region, string Name)> Sets { get; } = [];

    /// <summary>Identity defaults: (account, region) → identity name → set name.</summary>
    public Dictionary<(string Account, string Region), Dictionary<string, string>> Defaults { get; } = [];

    public ValueTask<bool> ExistsAsync(string account, string region, string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Sets.Contains((account, region, name)));

    public ValueTask<IReadOnlyDictionary<string, string>> GetIdentityDefaultsAsync(string account, string region, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyDictionary<string, string>>(Defaults.TryGetValue((account, region), out var d) ? d : new Dictionary<string, string>());
}

internal sealed class FakeSuppressionList : ISuppressionList
{
    public Dictionary<(string Account, string Address), SuppressionReason> Entries { get; } = [];

    public ValueTask<IReadOnlyDictionary<string, SuppressionReason>> FindAsync(string account, string region, IReadOnlyList<string> addresses, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyDictionary<string, SuppressionReason>>(addresses
            .Where(a => Entries.ContainsKey((account, a)))
            .ToDictionary(a => a, a => Entries[(account, a)], StringComparer.Ordinal));
}

/// <summary>Reads only the header block ("Name: value" lines); enough for the pipeline's needs.</summary>
internal sealed class FakeMimeParser : IMimeParser
{
    public Result<ParsedRawMessage> Parse(ReadOnlyMemory<byte> mime)
    {
        var text = System.Text.Encoding.UTF8.GetString(mime.Span);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return new Error("message.malformed", "The message has no blank line after its headers.");
        }

        var headers = text[..end].Split("\r\n").Select(l => l.Split(':', 2)).Select(p => new RawHeader(p[0].Trim(), p[1].Trim())).ToList();
        string? First(string name) => headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value;
        IReadOnlyList<string> List(string name) => First(name)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        var from = First("From") is { } f ? MailAddress.Parse(f).GetValueOrThrow() : null;
        var returnPath = First("Return-Path")?.Trim('<', '>');
        return new ParsedRawMessage(from?.Address, from?.DisplayName, returnPath, List("To"), List("Cc"), List("Bcc"), headers, mime.Length);
    }
}

/// <summary>Return addresses tagged with a fixed tag (the web layer's keyed tag is tested there).</summary>
public sealed class FakeReturnAddresses : IReturnAddresses
{
    public const string Tag = "faketag123";

    public string? ReturnPathDomain { get; set; }

    public ValueTask<string> LocalPartAsync(string messageId, CancellationToken cancellationToken) => ValueTask.FromResult($"{messageId}-{Tag}");
}
