using Microsoft.AspNetCore.Components;
using SesConsole.Domain.Policies;

namespace SesConsole.Web.Features.Policies;

public sealed partial class PolicyWizard
{
    private static readonly string[] ActionChoices = ["ses:SendEmail", "ses:SendRawEmail", "ses:SendTemplatedEmail", "ses:SendBulkTemplatedEmail", "ses:SendBulkEmail", "ses:Send*"];
    private const string OrgPrefix = "org:";
    private WizardPolicy _model = new();
    private string? _error;
    private string? _lastText;
    private readonly Dictionary<int, string?> _typed = [];
    private readonly Dictionary<WizardCondition, string> _testers = [];
    private IReadOnlyList<string> _problems = [];

    [Inject] public required TimeProvider Time { get; init; }

    [Parameter] public string Text { get; set; } = "";

    [Parameter] public EventCallback<string> TextChanged { get; set; }

    [Parameter] public IReadOnlyList<KnownPrincipal> Principals { get; set; } = [];

    [Parameter] public string IdentityArn { get; set; } = "";

    [Parameter] public bool ReadOnly { get; set; }

    /// <summary>
    /// Raised with the first reason the cards cannot be written to JSON (see <see cref="WizardPolicy.Problems"/>), and
    /// with null once they can again. While there is one, <see cref="TextChanged"/> is not raised: the text keeps its
    /// last writable version and the host must not leave visual mode or save (the cards would be lost).
    /// </summary>
    [Parameter] public EventCallback<string?> ProblemChanged { get; set; }

    private string DomainPattern => "*@" + (IdentityArn.Contains("identity/", StringComparison.Ordinal) ? IdentityArn[(IdentityArn.IndexOf("identity/", StringComparison.Ordinal) + 9)..].Split('@')[^1] : "example.com");

    protected override async Task OnParametersSetAsync()
    {
        if (Text == _lastText)
        {
            return;
        }

        // New text from outside (a template, JSON mode): unwritten cards, if any, are replaced with it.
        _lastText = Text;
        _error = WizardPolicy.TryParse(Text, out var model, out var error) ? null : error;
        _model = model;
        await SetProblemsAsync([]);
    }

    private async Task Edit(Action change)
    {
        change();
        var problems = _model.Problems();
        if (problems.Count == 0)
        {
            _lastText = _model.ToJson();
            await TextChanged.InvokeAsync(_lastText);
        }

        await SetProblemsAsync(problems);
    }

    private async Task SetProblemsAsync(IReadOnlyList<string> problems)
    {
        var was = _problems.Count > 0 ? _problems[0] : null;
        var now = problems.Count > 0 ? problems[0] : null;
        _problems = problems;
        if (now != was)
        {
            await ProblemChanged.InvokeAsync(now);
        }
    }

    private DateTimeOffset TodayUtc() => new(Time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);

    private static string BoundLabel(string op) => op switch
    {
        "DateGreaterThan" => "after",
        "DateGreaterThanEquals" => "at or after",
        "DateLessThan" => "before",
        "DateLessThanEquals" => "at or before",
        _ => op,
    };

    private Task RemoveIfEditable(Action remove) => ReadOnly ? Task.CompletedTask : Edit(remove);

    private async Task AddPrincipal(WizardStatement s, string? value)
    {
        value = value?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (value.StartsWith(OrgPrefix, StringComparison.Ordinal))
        {
            await Edit(() =>
            {
                s.Everyone = true;
                s.HasPrincipal = true;
                s.Aws.Items.Clear();
                s.Services.Items.Clear();
                s.Conditions.RemoveAll(c => c.Key == "aws:PrincipalOrgID");
                s.Conditions.Add(new WizardCondition { Operator = "StringEquals", Key = "aws:PrincipalOrgID", Values = new() { Items = [value[OrgPrefix.Length..]] } });
            });
            return;
        }

        await Edit(() =>
        {
            var list = value.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase) ? s.Services : s.Aws;
            if (!list.Items.Contains(value))
            {
                list.Items.Add(value);
            }

            s.Everyone = false;
            s.HasPrincipal = true;
        });
        _typed.Clear();
    }

    private static bool HasAction(WizardStatement s, string action) => s.Actions.Items.Contains(action, StringComparer.OrdinalIgnoreCase);

    private static void SetAction(WizardStatement s, string action, bool on)
    {
        s.HasAction = true;
        if (on && !HasAction(s, action))
        {
            s.Actions.Items.Add(action);
            s.Actions.IsArray = s.Actions.IsArray || s.Actions.Items.Count > 1;
        }
        else if (!on)
        {
            s.Actions.Items.RemoveAll(a => string.Equals(a, action, StringComparison.OrdinalIgnoreCase));
        }
    }

    private static IEnumerable<string> KeyChoices(string current) =>
        PolicyCatalog.ConditionKeyNames.Contains(current) ? PolicyCatalog.ConditionKeyNames : [current, .. PolicyCatalog.ConditionKeyNames];

    private static List<string> OperatorChoices(WizardCondition c)
    {
        var ops = c.Operators.ToList();
        ops.AddRange(ops.Where(o => o != "Bool").Select(o => o + "IfExists").ToList());
        if (!ops.Contains(c.BaseOperator))
        {
            ops.Insert(0, c.BaseOperator);
        }

        return ops;
    }

    private static void ChangeKey(WizardCondition c, string key)
    {
        c.Key = key;
        if (!c.Operators.Contains(c.BaseOperator))
        {
            c.Operator = c.Operators[0];
        }

        if (key == "ses:Recipients" && c.SetQualifier.Length == 0)
        {
            c.Operator = "ForAllValues:" + c.BaseOperator;
        }
    }

    private static void SetValues(WizardCondition c, string? text)
    {
        c.Values.Items = [.. (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        c.Values.IsArray = c.Values.IsArray || c.Values.Items.Count > 1;
    }

    private void AddRecipients(WizardStatement s) =>
        s.Conditions.Add(new WizardCondition { Key = "ses:Recipients", Operator = "ForAllValues:StringLike", Values = new() { Items = [DomainPattern] } });

    private static void AddSourceIp(WizardStatement s) =>
        s.Conditions.Add(new WizardCondition { Key = "aws:SourceIp", Operator = "IpAddress", Values = new() { Items = ["203.0.113.0/24"] } });

    private static string ValueLabel(WizardCondition c) => c.Type switch
    {
        ConditionValueType.Date => "Date-time (ISO 8601, UTC), one per line",
        ConditionValueType.IpAddress => "CIDR ranges, one per line",
        ConditionValueType.Boolean => "true or false",
        _ when c.Key == "ses:Recipients" => "Address patterns, one per line",
        _ when c.Key.StartsWith("ses:", StringComparison.Ordinal) => "Addresses or patterns, one per line (any may match)",
        _ => "Values, one per line (any may match)",
    };

    private static string ValueHelp(WizardCondition c) => c switch
    {
        { Key: "ses:Recipients", SetQualifier: "ForAllValues" } => "ForAllValues: every recipient must match one pattern. Also true when there are no recipients.",
        { Key: "ses:Recipients", SetQualifier: "ForAnyValue" } => "ForAnyValue: at least one recipient must match. False when there are none.",
        { Key: "ses:Recipients" } => "Without a set operator this is treated as ForAnyValue (the validator warns).",
        { Type: ConditionValueType.Date } => c.BaseOperator.Contains("Greater", StringComparison.Ordinal) ? "Sending must happen after this instant." : c.BaseOperator.Contains("Less", StringComparison.Ordinal) ? "Sending must happen before this instant." : "",
        _ when c.BaseOperator.Contains("Like", StringComparison.Ordinal) => "* is any run of characters and ? exactly one; . is a literal dot; case-sensitive.",
        _ => "",
    };

    private static string? ValueError(WizardCondition c)
    {
        foreach (var v in c.Values.Items)
        {
            switch (c.Type)
            {
                case ConditionValueType.Date when !DateTimeOffset.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out _) && !long.TryParse(v, out _):
                    return $"'{v}' is not a date-time (2026-12-01T00:00:00Z) or epoch seconds.";
                case ConditionValueType.IpAddress when !System.Net.IPNetwork.TryParse(v.Contains('/', StringComparison.Ordinal) ? v : v + (v.Contains(':', StringComparison.Ordinal) ? "/128" : "/32"), out _):
                    return $"'{v}' is not a CIDR range such as 203.0.113.0/24.";
                case ConditionValueType.Boolean when !bool.TryParse(v, out _):
                    return "Use true or false.";
            }
        }

        return c.Values.Items.Count == 0 ? "Give at least one value." : null;
    }
}
