using Microsoft.AspNetCore.Components;

namespace SesConsole.Web.Features.Policies;

public sealed partial class PolicySimulatorPanel
{
    [Inject] public required PolicySimulator Simulator { get; init; }

    private string? _time;
    private string? _error;
    private SimulationResult? _result;

    [Parameter, EditorRequired] public string IdentityArn { get; set; } = "";

    /// <summary>The policies to simulate against: the edited text (under its name) plus the identity's other saved policies.</summary>
    [Parameter, EditorRequired] public Func<IReadOnlyList<(string Name, string Document)>> Policies { get; set; } = () => [];

    [Parameter] public IReadOnlyList<KnownPrincipal> Principals { get; set; } = [];

    [Parameter] public int OtherPolicies { get; set; }

    [Parameter] public SimulationInput Input { get; set; } = new();

    /// <summary>The line of the deciding statement of the edited policy (0 when none), for highlighting in the editor.</summary>
    [Parameter] public EventCallback<int> DecidingLineChanged { get; set; }

    /// <summary>The name the edited policy runs under.</summary>
    [Parameter] public string EditedName { get; set; } = "";

    private string OtherPoliciesNote => OtherPolicies == 0 ? "" : $", together with the identity's {OtherPolicies} other saved polic{(OtherPolicies == 1 ? "y" : "ies")}";

    /// <summary>Every known principal whose value or label contains <paramref name="text"/> (all of them when it is empty).</summary>
    private Task<IEnumerable<string>> SearchPrincipalsAsync(string? text, CancellationToken ct)
    {
        var query = text?.Trim() ?? "";
        return Task.FromResult(Principals
            .Where(p => query.Length == 0 || p.Value.Contains(query, StringComparison.OrdinalIgnoreCase) || p.Label.Contains(query, StringComparison.OrdinalIgnoreCase))
            .Select(p => p.Value));
    }

    private string LabelOf(string value) =>
        Principals.FirstOrDefault(p => p.Value == value) is not { } known ? value
        : known.Label.Contains(known.Value, StringComparison.Ordinal) ? known.Label
        : $"{known.Label} — {known.Value}";

    private async Task RunAsync()
    {
        _error = null;
        _result = null;
        Input.Time = null;
        if (!string.IsNullOrWhiteSpace(_time))
        {
            if (!DateTimeOffset.TryParse(_time, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
            {
                _error = "The time is not an ISO 8601 date-time, for example 2026-12-15T10:00:00Z.";
                return;
            }

            Input.Time = at;
        }

        var result = await Simulator.SimulateAsync(IdentityArn, Policies(), Input);
        if (!result.IsSuccess)
        {
            _error = result.Error.Message;
            await DecidingLineChanged.InvokeAsync(0);
            return;
        }

        _result = result.Value;
        var deciding = _result.Statements.FirstOrDefault(s => s.Deciding && s.PolicyName == EditedName);
        await DecidingLineChanged.InvokeAsync(deciding?.Line ?? 0);
    }
}
