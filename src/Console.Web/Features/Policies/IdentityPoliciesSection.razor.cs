using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Policies;

public sealed partial class IdentityPoliciesSection
{
    [Inject] public required IdentityPoliciesService PolicyService { get; init; }

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required IDialogService Dialogs { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    private IdentityPolicies? _policies;
    private IReadOnlyList<PolicyTemplate> _templates = [];
    private Caller _caller = default!;

    [Parameter, EditorRequired] public string IdentityName { get; set; } = "";

    [Parameter, EditorRequired] public string Region { get; set; } = "";

    [Parameter] public bool IsRoot { get; set; }

    private string Base => $"/identities/{Uri.EscapeDataString(IdentityName)}/policies";

    private string NewHref(string template) => $"{Base}/new?template={template}&region={Uri.EscapeDataString(Region)}";

    private string EditHref(string name) => $"{Base}/{Uri.EscapeDataString(name)}?region={Uri.EscapeDataString(Region)}";

    protected override async Task OnParametersSetAsync()
    {
        _caller = (await CurrentCaller.GetAsync())!;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var result = await PolicyService.ListAsync(_caller, Region, IdentityName);
        _policies = result.Value;
        if (_policies is not null)
        {
            _templates = PolicyTemplates.For(_policies.IdentityArn, _policies.OwnerAccountId, _policies.IdentityName);
        }
    }

    private async Task RenameAsync(string name)
    {
        var parameters = new DialogParameters<RenamePolicyDialog> { { x => x.Name, name } };
        var dialog = await Dialogs.ShowAsync<RenamePolicyDialog>($"Rename {name}", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var answer = await dialog.Result;
        if (answer is not { Canceled: false, Data: string newName } || newName == name)
        {
            return;
        }

        var result = await PolicyService.RenameAsync(_caller, Region, IdentityName, name, newName);
        Snackbar.Add(result.IsSuccess ? $"Renamed {name} to {newName}." : result.Error.Message, result.IsSuccess ? Severity.Success : Severity.Error);
        await LoadAsync();
    }

    private async Task DeleteAsync(string name)
    {
        // The confirmation shows the text going away and what that changes for recent sends (docs/policy-editor.md#impact-preview).
        var saved = _policies?.Policies.FirstOrDefault(p => p.Name == name)?.Document;
        if (!await PolicyDiffDialog.AskAsync(Dialogs, name, saved, "", 0, false, IdentityName, Region, PolicyDraft.Delete(name),
                $"Delete policy {name}?", "Delete"))
        {
            return;
        }

        var result = await PolicyService.DeleteAsync(_caller, Region, IdentityName, name);
        Snackbar.Add(result.IsSuccess ? $"Deleted policy {name}." : result.Error.Message, result.IsSuccess ? Severity.Success : Severity.Error);
        await LoadAsync();
    }
}
