using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using SesConsole.Domain.Policies;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Delegates;

public sealed partial class AddDelegateDialog
{
    private const string NewPolicy = "\u0001new";
    private readonly HashSet<string> _actions = new(StringComparer.Ordinal) { "ses:SendEmail", "ses:SendRawEmail" };
    private DelegateKind _kind = DelegateKind.Account;
    private string _principal = "";
    private string? _principalError;
    private string? _recognised;
    private string? _from;
    private string? _recipients;
    private string? _returnPath;
    private string? _notBefore;
    private string? _notAfter;
    private string? _ips;
    private string _target = NewPolicy;
    private string _newName = DelegateEditor.DefaultPolicyName;
    private string? _error;
    private bool _busy;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;

    [Inject] public required DelegatesService Delegates { get; init; }

    [Parameter] public Caller Caller { get; set; } = default!;

    [Parameter] public string Region { get; set; } = "";

    [Parameter] public string IdentityName { get; set; } = "";

    [Parameter] public IReadOnlyList<string> PolicyNames { get; set; } = [];

    private string Domain => IdentityName[(IdentityName.IndexOf('@', StringComparison.Ordinal) + 1)..];

    private string PrincipalLabel => _kind switch
    {
        DelegateKind.Service => "Service principal",
        DelegateKind.Account => "Account ID",
        _ => "IAM user or role ARN",
    };

    private string PrincipalPlaceholder => _kind switch
    {
        DelegateKind.Service => "cognito-idp.amazonaws.com",
        DelegateKind.Account => "111122223333",
        _ => "arn:aws:iam::111122223333:user/Mailer",
    };

    protected override void OnInitialized()
    {
        // The "delegates" policy when it exists already: one place for the tab's grants.
        if (PolicyNames.Contains(DelegateEditor.DefaultPolicyName, StringComparer.Ordinal))
        {
            _target = DelegateEditor.DefaultPolicyName;
        }
    }

    private void SetKind(DelegateKind kind)
    {
        _kind = kind;
        Check();
    }

    private void SetPrincipal(string value)
    {
        _principal = value ?? "";
        var kind = DelegateEditor.KindOf(_principal);
        if (kind.IsSuccess)
        {
            // Follow what was typed (an ARN pasted while "Account ID" was chosen).
            _kind = kind.Value is DelegateKind.Role or DelegateKind.AssumedRole ? DelegateKind.User : kind.Value;
        }

        Check();
    }

    private bool Check()
    {
        var kind = DelegateEditor.KindOf(_principal);
        _principalError = _principal.Trim().Length == 0 ? null : kind.Error?.Message;
        _recognised = kind.IsSuccess ? $"Recognised: {DelegateWords.Who(new DelegateGrant(_principal.Trim(), "", kind.Value, null, DelegateIamSide.NotNeeded, [], []), null)}" : null;
        return kind.IsSuccess;
    }

    private void Toggle(string action, bool on)
    {
        if (on)
        {
            _actions.Add(action);
        }
        else
        {
            _actions.Remove(action);
        }
    }

    private async Task ReviewAsync()
    {
        _error = null;
        if (!Check())
        {
            _principalError ??= "Enter the delegate's account ID, IAM user or role ARN, or service.";
            return;
        }

        if (!TryTime(_notBefore, "Not before", out var notBefore) || !TryTime(_notAfter, "Not after", out var notAfter))
        {
            return;
        }

        if (notBefore is not null && notAfter is not null && notAfter <= notBefore)
        {
            _error = "The time window ends before it starts: no send could ever match.";
            return;
        }

        var request = new DelegateRequest(_principal.Trim(), [.. PolicyCatalog.SendActions.Where(_actions.Contains)])
        {
            FromAddresses = Split(_from), RecipientDomains = Split(_recipients), ReturnPathAddresses = Split(_returnPath),
            NotBefore = notBefore, NotAfter = notAfter, SourceIps = Split(_ips),
        };
        _busy = true;
        var plan = await Delegates.PlanAddAsync(Caller, Region, IdentityName, _target == NewPolicy ? _newName.Trim() : _target, request);
        _busy = false;
        if (!plan.IsSuccess)
        {
            _error = plan.Error.Message;
            return;
        }

        if (_target == NewPolicy && !plan.Value.Creates)
        {
            _error = $"Policy {plan.Value.PolicyName} already exists: choose it in the list to add the grant to it, or pick another name.";
            return;
        }

        Dialog.Close(DialogResult.Ok(plan.Value));
    }

    private bool TryTime(string? input, string label, out DateTimeOffset? at)
    {
        at = null;
        if (string.IsNullOrWhiteSpace(input))
        {
            return true;
        }

        if (DateTime.TryParse(input, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            at = new DateTimeOffset(parsed, TimeSpan.Zero);
            return true;
        }

        _error = $"{label}: '{input}' is not a date and time.";
        return false;
    }

    private static string[] Split(string? text) =>
        (text ?? "").Split([',', ';', '\n', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
