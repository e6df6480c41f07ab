using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Mail;

public partial class MailboxPage
{
    private const int PageSize = 25;

    private Caller? _caller;
    private MailboxListing? _page;
    private string? _search;
    private int _pageIndex;

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required MailboxService Mailbox { get; init; }

    [Inject] public required IDialogService Dialogs { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    private int PageCount => _page is null ? 0 : (_page.Total + PageSize - 1) / PageSize;

    protected override async Task OnInitializedAsync()
    {
        _caller = await CurrentCaller.GetAsync();
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        if (_caller is null)
        {
            return;
        }

        var result = await Mailbox.ListAsync(_caller, new MailboxQuery(_search, _pageIndex, PageSize));
        if (!result.IsSuccess)
        {
            _page = new MailboxListing([], 0, 0, PageSize);
            Snackbar.Add(result.Error.Message, Severity.Error);
            return;
        }

        _page = result.Value;
    }

    private async Task SearchAsync(string? search)
    {
        _search = search;
        _pageIndex = 0;
        await LoadAsync();
    }

    private async Task GoToPageAsync(int page)
    {
        _pageIndex = page - 1;
        await LoadAsync();
    }

    private async Task DeleteAllAsync()
    {
        if (_caller is null || !await ConfirmDialog.AskAsync(Dialogs, "Delete all messages?",
                _caller.IsAdmin ? "Every message of every account is deleted from the Mailbox. This cannot be undone." : "Every message of your account is deleted from the Mailbox. This cannot be undone.",
                "Delete all"))
        {
            return;
        }

        var result = await Mailbox.DeleteAllAsync(_caller);
        Snackbar.Add(result.IsSuccess ? $"Deleted {result.Value} message{(result.Value == 1 ? "" : "s")}." : result.Error.Message,
            result.IsSuccess ? Severity.Success : Severity.Error);
        _pageIndex = 0;
        await LoadAsync();
    }

    internal static string Format(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
