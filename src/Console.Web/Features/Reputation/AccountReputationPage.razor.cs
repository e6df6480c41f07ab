using Microsoft.AspNetCore.Components;
using MudBlazor;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Reputation;

namespace SesConsole.Web.Features.Reputation;

public partial class AccountReputationPage
{
    private AccountReputationReport? _report;
    private string? _error;
    private bool _loading = true;
    private bool _busy;
    private Caller? _caller;

    [Parameter] public string AccountId { get; set; } = "";

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required ReputationDashboardService Dashboard { get; init; }

    [Inject] public required EnforcementService Enforcement { get; init; }

    [Inject] public required IDialogService Dialogs { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    protected override async Task OnParametersSetAsync()
    {
        _caller = await CurrentCaller.GetAsync();
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        if (_caller is null)
        {
            _error = "Sign in first.";
        }
        else
        {
            var result = await Dashboard.GetAccountAsync(_caller, AccountId);
            _report = result.Value;
            _error = result.Error?.Message;
        }

        _loading = false;
    }

    private async Task ChangeAsync(bool pause)
    {
        if (_caller is null || _report is null)
        {
            return;
        }

        var reason = await EnforcementReasonDialog.AskAsync(Dialogs, pause, _report.DisplayName);
        if (reason is null)
        {
            return;
        }

        _busy = true;
        try
        {
            var result = pause
                ? await Enforcement.PauseAsync(_caller, AccountId, reason)
                : await Enforcement.ResumeAsync(_caller, AccountId, reason);
            Snackbar.Add(result.IsSuccess ? $"{_report.DisplayName}: sending {(pause ? "paused" : "resumed")}." : result.Error!.Message,
                result.IsSuccess ? Severity.Success : Severity.Error);
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }
}
