using Microsoft.AspNetCore.Components;
using MudBlazor;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Identities;

public sealed partial class IdentitiesPage
{
    private IReadOnlyList<IdentityRow>? _rows;
    private Caller? _caller;
    private string? _search;
    private string? _statusFilter;

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required IdentitiesService Identities { get; init; }

    [Inject] public required RegionContext Region { get; init; }

    [Inject] public required IDialogService Dialogs { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    protected override async Task OnInitializedAsync()
    {
        Region.Changed += OnRegionChanged;
        _caller = await CurrentCaller.GetAsync();
        await LoadAsync();
    }

    private async void OnRegionChanged()
    {
        await InvokeAsync(async () =>
        {
            _rows = null;
            StateHasChanged();
            await LoadAsync();
            StateHasChanged();
        });
    }

    private async Task LoadAsync()
    {
        var result = await Identities.ListAsync(_caller!, Region.Current);
        _rows = result.Value ?? [];
        if (!result.IsSuccess)
        {
            Snackbar.Add(result.Error.Message, Severity.Error);
        }
    }

    private bool Matches(IdentityRow row) =>
        (string.IsNullOrWhiteSpace(_search) || row.Name.Contains(_search, StringComparison.OrdinalIgnoreCase))
        && (_statusFilter is null || row.Status.ToString() == _statusFilter);

    private async Task CreateAsync()
    {
        var parameters = new DialogParameters<CreateIdentityDialog> { { x => x.Region, Region.Current } };
        var dialog = await Dialogs.ShowAsync<CreateIdentityDialog>("Verify a new identity", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: IdentityRow row })
        {
            Snackbar.Add(row.Type == Domain.Identities.SendingIdentityType.EmailAddress
                ? $"We sent a verification link to {row.Name}. It is valid for 24 hours."
                : $"{row.Name} added. Publish its DNS records to verify it.", Severity.Success);
            Navigation.NavigateTo($"/identities/{Uri.EscapeDataString(row.Name)}?region={row.Region}");
        }
    }

    public void Dispose() => Region.Changed -= OnRegionChanged;
}
