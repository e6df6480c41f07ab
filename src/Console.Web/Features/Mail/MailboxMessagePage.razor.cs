using Microsoft.AspNetCore.Components;
using MudBlazor;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Mail;

public partial class MailboxMessagePage
{
    private Caller? _caller;
    private MailboxMessageView? _message;
    private bool _loading = true;
    private string _notFound = "";
    private List<BreadcrumbItem> _crumbs = [];

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required MailboxService Mailbox { get; init; }

    [Inject] public required IDialogService Dialogs { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    /// <summary>The message's id (the Mailbox row, not its Message-ID header).</summary>
    [Parameter] public Guid Id { get; set; }

    private string RawUrl => $"/mailbox/{Id}/raw";

    protected override async Task OnParametersSetAsync()
    {
        _loading = true;
        _caller ??= await CurrentCaller.GetAsync();
        if (_caller is null)
        {
            return;
        }

        var result = await Mailbox.GetAsync(_caller, Id);
        _message = result.Value;
        _notFound = result.Error?.Message ?? "";
        _crumbs = [new("Mailbox", "/mailbox"), new(_message?.Summary.Subject is { Length: > 0 } s ? s : "Message", null, true)];
        _loading = false;
    }

    private async Task DeleteAsync()
    {
        if (_caller is null || !await ConfirmDialog.AskAsync(Dialogs, "Delete message?", "The message is removed from the Mailbox. This cannot be undone."))
        {
            return;
        }

        var result = await Mailbox.DeleteAsync(_caller, Id);
        if (result.IsSuccess)
        {
            Snackbar.Add("Deleted the message.", Severity.Success);
            Navigation.NavigateTo("/mailbox");
        }
        else
        {
            Snackbar.Add(result.Error.Message, Severity.Error);
        }
    }
}
