using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using MudBlazor;
using SesConsole.Domain.Policies;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Smtp;

namespace SesConsole.Web.Features.Delegates;

public sealed partial class DelegatesTab
{
    private DelegatesView? _view;
    private IReadOnlyList<HandOverSnippet> _snippets = [];
    private Caller _caller = default!;
    private bool _loading = true;
    private bool _busy;
    private string? _error;

    [Inject] public required DelegatesService Delegates { get; init; }

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required IDialogService Dialogs { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    [Inject] public required IJSRuntime JS { get; init; }

    [Inject] public required IOptions<SmtpOptions> Smtp { get; init; }

    [Parameter, EditorRequired] public string IdentityName { get; set; } = "";

    [Parameter, EditorRequired] public string Region { get; set; } = "";

    /// <summary>Whether the viewer may change policies (the account's root): shows Add and Revoke.</summary>
    [Parameter] public bool IsRoot { get; set; }

    private string EditHref(string policy) =>
        $"/identities/{Uri.EscapeDataString(IdentityName)}/policies/{Uri.EscapeDataString(policy)}?region={Uri.EscapeDataString(Region)}";

    protected override async Task OnParametersSetAsync()
    {
        _caller = (await CurrentCaller.GetAsync())!;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var result = await Delegates.GetAsync(_caller, Region, IdentityName);
        _view = result.Value;
        _error = result.Error?.Message;
        if (_view is not null)
        {
            var endpoint = Navigation.BaseUri;
            var host = Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? uri.Host : "localhost";
            _snippets = HandOverSnippets.For(_view.IdentityArn, Region, _view.IdentityName, endpoint, host, Smtp.Value.EffectiveEndpoints[0].Port);
        }

        _loading = false;
    }

    private async Task AddAsync()
    {
        var parameters = new DialogParameters<AddDelegateDialog>
        {
            { x => x.Caller, _caller }, { x => x.Region, Region }, { x => x.IdentityName, IdentityName }, { x => x.PolicyNames, _view?.PolicyNames ?? [] },
        };
        var dialog = await Dialogs.ShowAsync<AddDelegateDialog>("Add a delegate", parameters, new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: DelegatePolicyChange change })
        {
            return;
        }

        await ReviewAndSaveAsync([change], $"Saved policy {change.PolicyName}: the delegate may now send as {IdentityName}.");
    }

    private async Task RevokeAsync(DelegateRow row, string who)
    {
        var parameters = new DialogParameters<RevokeDelegateDialog>
        {
            { x => x.Caller, _caller }, { x => x.Region, Region }, { x => x.IdentityName, IdentityName }, { x => x.Grant, row.Grant }, { x => x.Who, who },
        };
        var dialog = await Dialogs.ShowAsync<RevokeDelegateDialog>($"Revoke {who}", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is not { Canceled: false, Data: IReadOnlyList<DelegatePolicyChange> changes })
        {
            return;
        }

        await ReviewAndSaveAsync(changes, $"Revoked {who}.");
    }

    // Each policy's diff (the editor's dialog), then every change saved through the policies service.
    private async Task ReviewAndSaveAsync(IReadOnlyList<DelegatePolicyChange> changes, string done)
    {
        foreach (var change in changes)
        {
            // With the impact preview of this policy's change on the identity's recent sends (docs/policy-editor.md#impact-preview).
            var draft = change.Deletes ? PolicyDraft.Delete(change.PolicyName) : new PolicyDraft(change.Before is null ? null : change.PolicyName, change.PolicyName, change.After);
            if (!await PolicyDiffDialog.AskAsync(Dialogs, change.PolicyName, change.Before, change.After ?? "", change.Warnings.Count, renamed: false,
                    IdentityName, Region, draft, confirmText: change.Deletes ? "Delete" : "Save"))
            {
                return;
            }
        }

        _busy = true;
        var saved = await Delegates.ApplyAsync(_caller, Region, IdentityName, changes);
        _busy = false;
        var deleted = changes.Where(c => c.Deletes).Select(c => c.PolicyName).ToList();
        Snackbar.Add(saved.IsSuccess ? done + (deleted.Count > 0 ? $" Deleted the policy {string.Join(", ", deleted)}, left with no statement." : "") : saved.Error.Message,
            saved.IsSuccess ? Severity.Success : Severity.Error);
        await LoadAsync();
    }

    private Task CopyAsync(string value) => Clipboard.CopyAsync(JS, Snackbar, value);
}
