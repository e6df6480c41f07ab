using Microsoft.AspNetCore.Components;
using MudBlazor;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Sns;

/// <summary>The account's topics in the current region: list, create, delete (docs/notifications.md#topics).</summary>
public sealed partial class TopicsPage : IDisposable
{
    private IReadOnlyList<SnsTopicRow>? _rows;
    private Caller? _caller;
    private string _name = "";
    private string _displayName = "";
    private string? _error;
    private bool _busy;

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required SnsService Sns { get; init; }

    [Inject] public required RegionContext Region { get; init; }

    [Inject] public required IDialogService Dialogs { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    protected override async Task OnInitializedAsync()
    {
        Region.Changed += OnRegionChanged;
        _caller = await CurrentCaller.GetAsync();
        await LoadAsync();
    }

    public void Dispose() => Region.Changed -= OnRegionChanged;

    private SnsCaller Me => SnsCaller.ForConsole(_caller!, Region.Current);

    private async void OnRegionChanged() => await InvokeAsync(async () =>
    {
        _rows = null;
        StateHasChanged();
        await LoadAsync();
        StateHasChanged();
    });

    private async Task LoadAsync()
    {
        var page = await Sns.ListTopicsAsync(Me, null, CancellationToken.None);
        _rows = page.Value?.Items ?? [];
        if (!page.IsSuccess)
        {
            Snackbar.Add(page.Error.Message, Severity.Error);
        }
    }

    private async Task CreateAsync()
    {
        _busy = true;
        try
        {
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (_displayName.Trim().Length > 0)
            {
                attributes["DisplayName"] = _displayName.Trim();
            }

            var created = await Sns.CreateTopicAsync(Me, _name.Trim(), attributes, new Dictionary<string, string>(), CancellationToken.None);
            _error = created.Error?.Message;
            if (created.IsSuccess)
            {
                Snackbar.Add($"Topic {_name.Trim()} is ready: {created.Value}", Severity.Success);
                _name = _displayName = "";
                await LoadAsync();
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DeleteAsync(SnsTopicRow row)
    {
        if (!await ConfirmDialog.AskAsync(Dialogs, $"Delete topic {row.Name}?",
                $"Its {row.Confirmed + row.Pending} subscription(s) and every message not yet delivered are deleted too. Identities and configuration sets that publish to it will have nowhere to publish."))
        {
            return;
        }

        var deleted = await Sns.DeleteTopicAsync(Me, row.Arn, CancellationToken.None);
        Snackbar.Add(deleted.IsSuccess ? $"Topic {row.Name} deleted." : deleted.Error.Message, deleted.IsSuccess ? Severity.Success : Severity.Error);
        await LoadAsync();
    }
}
