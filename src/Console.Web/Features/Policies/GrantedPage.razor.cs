using Microsoft.AspNetCore.Components;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Policies;

public sealed partial class GrantedPage
{
    [Inject] public required GrantedService Granted { get; init; }

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required RegionContext Region { get; init; }

    private Caller? _caller;
    private IReadOnlyList<GrantedIdentity> _grants = [];
    private readonly Dictionary<string, SimulationInput> _inputs = [];
    private readonly Dictionary<string, SimulationResult> _results = [];
    private readonly Dictionary<string, string> _checkErrors = [];
    private string? _error;
    private bool _loading = true;

    [SupplyParameterFromQuery(Name = "region")] public string? RegionQuery { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        Region.Set(RegionQuery);
        Region.Changed -= OnRegionChanged;
        Region.Changed += OnRegionChanged;
        _caller = await CurrentCaller.GetAsync();
        await LoadAsync();
    }

    private async void OnRegionChanged() => await InvokeAsync(async () =>
    {
        await LoadAsync();
        StateHasChanged();
    });

    private async Task LoadAsync()
    {
        var result = await Granted.ListAsync(_caller!, Region.Current);
        _error = result.Error?.Message;
        _grants = result.Value ?? [];
        _results.Clear();
        _checkErrors.Clear();
        foreach (var g in _grants)
        {
            if (!_inputs.ContainsKey(g.IdentityArn))
            {
                _inputs[g.IdentityArn] = new SimulationInput
                {
                    FromAddress = g.IdentityName.Contains('@', StringComparison.Ordinal) ? g.IdentityName : $"sender@{g.IdentityName}",
                };
            }
        }

        _loading = false;
    }

    private async Task CheckAsync(GrantedIdentity g)
    {
        _checkErrors.Remove(g.IdentityArn);
        _results.Remove(g.IdentityArn);
        var result = await Granted.CheckAsync(_caller!, Region.Current, g.IdentityArn, _inputs[g.IdentityArn]);
        if (result.IsSuccess)
        {
            _results[g.IdentityArn] = result.Value;
        }
        else
        {
            _checkErrors[g.IdentityArn] = result.Error.Message;
        }
    }

    public void Dispose() => Region.Changed -= OnRegionChanged;
}
