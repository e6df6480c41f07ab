using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Identities.Dns;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Admin;

/// <summary>
/// The TXT records the platform operator publishes in its DKIM zone (CNAME mode, the default), for every Easy DKIM
/// domain of every account; or why there are none (TXT mode, or no zone configured).
/// </summary>
public sealed partial class DkimZonePage
{
    private PlatformDkimZone? _zone;
    private string? _search;

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required IdentitiesService Identities { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    [Inject] public required IJSRuntime JS { get; init; }

    [Inject] public required DkimZoneSetup Setup { get; init; }

    protected override async Task OnInitializedAsync()
    {
        var caller = (await CurrentCaller.GetAsync())!;
        var result = await Identities.ListPlatformDkimRecordsAsync(caller);
        _zone = result.Value ?? new PlatformDkimZone(null, []);
        if (!result.IsSuccess)
        {
            Snackbar.Add(result.Error.Message, Severity.Error);
        }
    }

    private bool Matches(PlatformDkimRecord row) =>
        string.IsNullOrWhiteSpace(_search)
        || row.Identity.Contains(_search, StringComparison.OrdinalIgnoreCase)
        || row.AccountId.Contains(_search, StringComparison.Ordinal)
        || row.Region.Contains(_search, StringComparison.OrdinalIgnoreCase);

    private Task CopyZoneFileAsync() =>
        CopyAsync(string.Join('\n', _zone!.Records.Select(r => r.ZoneFileLine())) + "\n", $"Copied {_zone.Records.Count} zone file lines.");

    private Task CopyAsync(string value, string done = "Copied.") => Clipboard.CopyAsync(JS, Snackbar, value, done);
}
