using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Identities;

public sealed partial class IdentityPage : IDisposable
{
    private IdentityDetails? _details;
    private Caller _caller = default!;
    private bool _isRoot;
    private bool _loading = true;
    private bool _busy;
    private string _notFound = "";
    private string? _mailFrom;
    private string? _mailFromError;
    private MailFromBehavior _mailFromBehavior = MailFromBehavior.UseDefaultValue;
    private List<BreadcrumbItem> _crumbs = [];
    private int _tab;

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required IdentitiesService Identities { get; init; }

    [Inject] public required RegionContext Region { get; init; }

    [Inject] public required IDialogService Dialogs { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    [Inject] public required IJSRuntime JS { get; init; }

    [Inject] public required TimeProvider Time { get; init; }

    [Inject] public required DnsRecordOptions RecordOptions { get; init; }

    /// <summary>The identity: an email address or a domain.</summary>
    [Parameter] public string Name { get; set; } = "";

    /// <summary>?region= selects the region (links from the list carry it).</summary>
    [SupplyParameterFromQuery(Name = "region")] public string? RegionQuery { get; set; }

    /// <summary>?tab=delegates opens the Delegates tab (docs/delegates.md#the-tab).</summary>
    [SupplyParameterFromQuery(Name = "tab")] public string? TabQuery { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        Region.Set(RegionQuery);
        Region.Changed -= OnRegionChanged;
        Region.Changed += OnRegionChanged;
        _crumbs = [new("Identities", "/identities"), new(Name, null, true)];
        _tab = string.Equals(TabQuery, "delegates", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
        _caller = (await CurrentCaller.GetAsync())!;
        _isRoot = _caller.IsAccountRoot;
        await LoadAsync();
    }

    private async void OnRegionChanged() => await InvokeAsync(async () =>
    {
        await LoadAsync();
        StateHasChanged();
    });

    private async Task LoadAsync()
    {
        var result = await Identities.GetAsync(_caller, Region.Current, Name);
        _details = result.Value;
        _notFound = result.Error?.Message ?? "";
        if (_details is not null)
        {
            _mailFrom = _details.MailFromDomain;
            _mailFromBehavior = _details.MailFromBehavior;
        }

        _loading = false;
    }

    private string StatusExplanation(IdentityDetails d)
    {
        var since = (Time.GetUtcNow() - d.StatusSince).TotalHours;
        var checkedAt = d.LastCheckedAt is { } at ? $" Last checked {at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}." : "";
        // Status and CanSend come from the domain's one rule (VerificationState.AsOf / CanSendAt), as the API and the send pipeline use it.
        return (d.Identity.Type, d.Identity.Status) switch
        {
            (SendingIdentityType.EmailAddress, VerificationStatus.Pending) => $"Waiting for the link in the verification email to be opened ({Math.Max(0, 24 - since):0} h left). Sends from it are refused until then.",
            (SendingIdentityType.EmailAddress, VerificationStatus.Failed) => "The verification link expired after 24 hours, and sends from it are refused. Resend the verification email to start again.",
            (SendingIdentityType.Domain, VerificationStatus.Pending) => $"Looking for the DNS records below ({Math.Max(0, 72 - since):0} h left before verification fails). Sends from it are refused until they are found.{checkedAt}",
            (SendingIdentityType.Domain, VerificationStatus.TemporaryFailure) => $"The records of this verified domain are gone. You and your delegates can still send from it: put them back within {Math.Max(0, 72 - since):0} h, or verification fails and sending stops.{checkedAt}",
            (SendingIdentityType.Domain, VerificationStatus.Failed) => "The records were not found within 72 hours, and sends from it are refused. Publish them, then restart verification: we look for them for another 72 hours.",
            (_, VerificationStatus.Success) => $"Verified{(d.VerifiedAt is { } v ? " on " + v.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "")}. You can send from it, and let delegates send as it with a policy.{checkedAt}",
            _ => "",
        };
    }

    private async Task ResendAsync()
    {
        _busy = true;
        var result = await Identities.ResendVerificationAsync(_caller, Region.Current, Name, new Uri(Navigation.BaseUri));
        _busy = false;
        Snackbar.Add(result.IsSuccess ? $"We sent a new verification link to {Name}." : result.Error.Message, result.IsSuccess ? Severity.Success : Severity.Error);
        await LoadAsync();
    }

    private async Task RestartAsync()
    {
        _busy = true;
        var result = await Identities.RestartVerificationAsync(_caller, Region.Current, Name);
        _busy = false;
        Snackbar.Add(result.IsSuccess ? $"Verification of {Name} restarted: we look for its DNS records for the next 72 hours." : result.Error.Message,
            result.IsSuccess ? Severity.Success : Severity.Error);
        await LoadAsync();
    }

    private async Task CheckNowAsync()
    {
        _busy = true;
        var result = await Identities.CheckNowAsync(_caller, Region.Current, Name);
        _busy = false;
        Snackbar.Add(result.IsSuccess ? "Checked DNS." : result.Error.Message, result.IsSuccess ? Severity.Info : Severity.Error);
        await LoadAsync();
    }

    private async Task SetDkimSigningAsync(bool enabled)
    {
        var result = await Identities.SetDkimSigningAsync(_caller, Region.Current, Name, enabled);
        Snackbar.Add(result.IsSuccess ? $"DKIM signing {(enabled ? "enabled" : "disabled")} for {Name}." : result.Error.Message, result.IsSuccess ? Severity.Success : Severity.Error);
        await LoadAsync();
    }

    private async Task SaveMailFromAsync()
    {
        var result = await Identities.SetMailFromAsync(_caller, Region.Current, Name, _mailFrom, _mailFromBehavior);
        _mailFromError = result.Error?.Message;
        if (result.IsSuccess)
        {
            Snackbar.Add(string.IsNullOrWhiteSpace(_mailFrom) ? "Custom MAIL FROM removed." : $"MAIL FROM set to {_mailFrom}. Publish its MX and SPF records.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task DeleteAsync()
    {
        if (!await ConfirmDialog.AskAsync(Dialogs, $"Delete {Name}?",
                $"Nobody — you or your delegates — can send as {Name} in {Region.Current} any more, and its sending authorization policies are deleted too. This cannot be undone."))
        {
            return;
        }

        var result = await Identities.DeleteAsync(_caller, Region.Current, Name);
        if (result.IsSuccess)
        {
            Snackbar.Add($"Deleted {Name}.", Severity.Success);
            Navigation.NavigateTo("/identities");
        }
        else
        {
            Snackbar.Add(result.Error.Message, Severity.Error);
        }
    }

    private Task CopyAsync(string value) => Clipboard.CopyAsync(JS, Snackbar, value);

    public void Dispose() => Region.Changed -= OnRegionChanged;
}
