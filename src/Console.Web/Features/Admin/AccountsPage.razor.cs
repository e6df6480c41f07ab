using Microsoft.AspNetCore.Components;
using MudBlazor;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Accounts;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Reputation;

namespace SesConsole.Web.Features.Admin;

public partial class AccountsPage
{
    private IReadOnlyList<AccountRow>? _rows;
    private Caller _caller = default!;
    private string? _search;
    private Dictionary<string, AccountReputationRow> _reputation = [];
    private TimeSpan _window;

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required AccountsService Accounts { get; init; }

    [Inject] public required ReputationDashboardService Dashboard { get; init; }

    [Inject] public required Microsoft.Extensions.Options.IOptions<SesConsole.Web.Reputation.ReputationOptions> ReputationOptions { get; init; }

    [Inject] public required IDialogService Dialogs { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    protected override async Task OnInitializedAsync()
    {
        _caller = (await CurrentCaller.GetAsync())!;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var result = await Accounts.ListAsync(_caller);
        var reputation = await Dashboard.ListAccountsAsync(_caller);
        _window = ReputationOptions.Value.Window;
        _reputation = reputation.Value?.ToDictionary(r => r.AccountId) ?? [];
        _rows = result.Value ?? [];
        if (!result.IsSuccess)
        {
            Snackbar.Add(result.Error.Message, Severity.Error);
        }
    }

    private bool Matches(AccountRow row) =>
        string.IsNullOrWhiteSpace(_search)
        || row.DisplayName.Contains(_search, StringComparison.OrdinalIgnoreCase)
        || row.Id.Contains(_search, StringComparison.Ordinal)
        || (row.RootEmail?.Contains(_search, StringComparison.OrdinalIgnoreCase) ?? false);

    private async Task SetFlagsAsync(AccountRow row, bool sandbox, bool sendingEnabled)
    {
        if (!sendingEnabled && row.SendingEnabled
            && !await ConfirmDialog.AskAsync(Dialogs, $"Pause sending for {row.DisplayName}?",
                "Every send by this account (and by its IAM users) is refused until you enable sending again.", "Pause sending"))
        {
            return;
        }

        var result = await Accounts.SetFlagsAsync(_caller, row.Id, sandbox, sendingEnabled);
        Snackbar.Add(result.IsSuccess
                ? $"{row.DisplayName}: {(sandbox ? "sandbox" : "production access")}, sending {(sendingEnabled ? "enabled" : "paused")}."
                : result.Error.Message,
            result.IsSuccess ? Severity.Success : Severity.Error);
        await LoadAsync();
    }

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<CreateAccountDialog>("Create account", new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: CreatedAccount created })
        {
            Snackbar.Add($"Created account {created.AccountId}.", Severity.Success);
            await LoadAsync();
            StateHasChanged(); // show the new row behind the password dialog
            if (created.GeneratedPassword is { } password)
            {
                await ShownOnceDialog.ShowAsync(Dialogs, "Root user's sign-in",
                    ("Email", created.RootEmail, "root-email"), ("Initial password", password, "root-password"));
            }
        }
    }
}
