using Microsoft.AspNetCore.Components;
using MudBlazor;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Sending.Events;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Sns;

namespace SesConsole.Web.Notifications.Feedback;

/// <summary>
/// The identity page's notification settings (docs/notifications.md#identity-notifications): a topic per type from the
/// topics SES may publish to for this identity, the headers switches, the forwarding switch with SES's rule, a test
/// notification per type and the last notifications published to the identity's topics. Each change is saved at once;
/// only the account root changes anything, members see the settings.
/// </summary>
public sealed partial class IdentityNotificationsSection
{
    private IdentityNotificationsView? _view;
    private IReadOnlyList<UsableTopic> _topics = [];
    private IReadOnlyList<FeedbackDeliveryRow> _recent = [];
    private Caller _caller = default!;
    private bool _busy;

    [Inject] public required IdentityNotificationsService Notifications { get; init; }

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    /// <summary>The identity (an email address or a domain).</summary>
    [Parameter, EditorRequired] public string IdentityName { get; set; } = "";

    /// <summary>The identity's region.</summary>
    [Parameter, EditorRequired] public string Region { get; set; } = "";

    /// <summary>Whether the caller is the account root (the only one who changes the settings). Defaults to false.</summary>
    [Parameter] public bool IsRoot { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _caller = (await CurrentCaller.GetAsync())!;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _view = (await Notifications.GetAsync(_caller, Region, IdentityName)).Value;
        _topics = (await Notifications.UsableTopicsAsync(_caller, Region, IdentityName)).Value ?? [];
        _recent = (await Notifications.RecentDeliveriesAsync(_caller, Region, IdentityName)).Value ?? [];
    }

    private static string Label(UsableTopic t) =>
        string.IsNullOrEmpty(t.DisplayName) ? $"{t.Name} (account {t.AccountId})" : $"{t.Name} — {t.DisplayName} (account {t.AccountId})";

    private Task SetTopicAsync(SendEventType type, string arn) =>
        SaveAsync(() => Notifications.SetTopicAsync(_caller, Region, IdentityName, type, arn),
            string.IsNullOrEmpty(arn) ? $"{type.JsonName()} notifications are no longer published." : $"{type.JsonName()} notifications go to {arn}.");

    private Task SetHeadersAsync(SendEventType type, bool enabled) =>
        SaveAsync(() => Notifications.SetHeadersAsync(_caller, Region, IdentityName, type, enabled),
            $"{type.JsonName()} notifications {(enabled ? "include" : "leave out")} the original headers.");

    private Task SetForwardingAsync(bool enabled) =>
        SaveAsync(() => Notifications.SetForwardingAsync(_caller, Region, IdentityName, enabled),
            enabled ? "Email feedback forwarding is on." : "Email feedback forwarding is off.");

    private async Task SendTestAsync(SendEventType type)
    {
        _busy = true;
        try
        {
            var sent = await Notifications.SendTestAsync(_caller, Region, IdentityName, type);
            if (sent.IsSuccess)
            {
                Snackbar.Add($"Test {type.JsonName()} notification published (message {sent.Value}).", Severity.Success);
                await LoadAsync();
            }
            else
            {
                Snackbar.Add(sent.Error.Message, Severity.Error);
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task SaveAsync(Func<Task<Result>> save, string done)
    {
        _busy = true;
        try
        {
            var result = await save();
            Snackbar.Add(result.IsSuccess ? done : result.Error.Message, result.IsSuccess ? Severity.Success : Severity.Error);
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }
}
