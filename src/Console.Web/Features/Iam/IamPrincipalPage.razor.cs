using Microsoft.AspNetCore.Components;
using MudBlazor;
using SesConsole.Data.Entities;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Iam;

public partial class IamPrincipalPage
{
    private IamPrincipalType _type;
    private IamPrincipalDetails? _details;
    private Caller _caller = default!;
    private bool _loading = true;
    private string _notFound = "";
    private List<BreadcrumbItem> _crumbs = [];

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required IamService Iam { get; init; }

    [Inject] public required IDialogService Dialogs { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    /// <summary>"users" or "roles".</summary>
    [Parameter] public string Kind { get; set; } = "users";

    /// <summary>The user or role name (case-sensitive).</summary>
    [Parameter] public string Name { get; set; } = "";

    protected override async Task OnParametersSetAsync()
    {
        _type = Kind == "roles" ? IamPrincipalType.Role : IamPrincipalType.User;
        _crumbs = [new("IAM", null, true), new(_type == IamPrincipalType.User ? "Users" : "Roles", $"/iam/{Kind}"), new(Name, null, true)];
        _caller = (await CurrentCaller.GetAsync())!;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var result = await Iam.GetAsync(_caller, _type, Name);
        _details = result.Value;
        _notFound = result.Error?.Message ?? "";
        _loading = false;
    }

    private async Task EditPolicyAsync(IamPolicyView? policy)
    {
        var parameters = new DialogParameters<PolicyDialog>
        {
            { x => x.Type, _type },
            { x => x.PrincipalName, Name },
            { x => x.Existing, policy },
        };
        var dialog = await Dialogs.ShowAsync<PolicyDialog>("Policy", parameters, new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: string name })
        {
            Snackbar.Add($"Saved policy {name}.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task DeletePolicyAsync(IamPolicyView policy)
    {
        if (!await ConfirmDialog.AskAsync(Dialogs, "Detach policy?", $"Policy {policy.Name} will be deleted from {Name}. Sends that relied on it will be denied.", "Detach"))
        {
            return;
        }

        var result = await Iam.DeletePolicyAsync(_caller, _type, Name, policy.Name);
        Snackbar.Add(result.IsSuccess ? $"Detached policy {policy.Name}." : result.Error.Message, result.IsSuccess ? Severity.Success : Severity.Error);
        await LoadAsync();
    }

    private async Task DeletePrincipalAsync()
    {
        var what = _type == IamPrincipalType.User ? "user" : "role";
        if (!await ConfirmDialog.AskAsync(Dialogs, $"Delete IAM {what} {Name}?",
                $"Its policies{(_type == IamPrincipalType.User ? ", access keys and console sign-in" : "")} are deleted too. This cannot be undone."))
        {
            return;
        }

        var result = await Iam.DeleteAsync(_caller, _type, Name);
        if (result.IsSuccess)
        {
            Snackbar.Add($"Deleted IAM {what} {Name}.", Severity.Success);
            Navigation.NavigateTo($"/iam/{Kind}");
        }
        else
        {
            Snackbar.Add(result.Error.Message, Severity.Error);
        }
    }

    private async Task EnableConsoleAsync()
    {
        var result = await Iam.EnableConsoleAccessAsync(_caller, Name);
        if (!result.IsSuccess)
        {
            Snackbar.Add(result.Error.Message, Severity.Error);
            return;
        }

        await ShownOnceDialog.ShowAsync(Dialogs, "Console sign-in created",
            ("User name", result.Value.UserName, "console-user-name"), ("Password", result.Value.Password, "console-password"));
        await LoadAsync();
    }
}
