using Microsoft.Extensions.Options;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Features.Identities;

/// <summary>
/// The region the console is looking at, per circuit (the app bar's region switcher). Identities, their ARNs and
/// policies are per region, as in SES. Pages that list per-region data subscribe to <see cref="Changed"/>.
/// </summary>
public sealed class RegionContext(IOptions<ConsoleOptions> options)
{
    private string? _current;

    public event Action? Changed;

    public IReadOnlyList<string> Regions => options.Value.EffectiveRegions;

    public string Current => _current ?? Regions[0];

    /// <summary>Switches region; unknown names are ignored (they come from a query string).</summary>
    public void Set(string? region)
    {
        if (region is null || region == Current || !Regions.Contains(region))
        {
            return;
        }

        _current = region;
        Changed?.Invoke();
    }
}
