using Microsoft.AspNetCore.Components;
using MudBlazor;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Audit;

/// <summary>
/// The audit log (docs/audit-log.md#the-page): an account member's own account, or every account for an admin, with
/// filters by identity/target, principal, kind and time, newest first, paged on the server; a row expands to its before
/// and after. The query string (<c>?target=example.com</c>, <c>actor</c>, <c>kind</c>, <c>account</c>) presets the filters,
/// so other pages can link to an identity's history.
/// </summary>
public sealed partial class AuditPage
{
    private static readonly (string Value, string Label)[] KindGroups =
    [
        ("identity.", "All identity changes"), ("policy.", "All policy changes"), ("configurationset.", "All configuration set changes"), ("template.", "All template changes"), ("iam.", "All IAM changes"), ("account.", "All account settings"), ("admin.", "All admin actions"),
    ];

    private readonly HashSet<Guid> _open = [];
    private Caller? _caller;
    private bool _allowed;
    private IReadOnlyList<(string Id, string Name)> _accounts = [];
    private MudTable<AuditEntryView>? _table;
    private string? _account;
    private string? _target;
    private string? _actor;
    private string? _kind;
    private DateTime? _from;
    private DateTime? _to;

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required AuditLogService Log { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    [SupplyParameterFromQuery(Name = "target")] public string? TargetQuery { get; set; }

    [SupplyParameterFromQuery(Name = "actor")] public string? ActorQuery { get; set; }

    [SupplyParameterFromQuery(Name = "kind")] public string? KindQuery { get; set; }

    [SupplyParameterFromQuery(Name = "account")] public string? AccountQuery { get; set; }

    private bool Filtered => !string.IsNullOrWhiteSpace(_account) || !string.IsNullOrWhiteSpace(_target) || !string.IsNullOrWhiteSpace(_actor)
        || !string.IsNullOrWhiteSpace(_kind) || _from is not null || _to is not null;

    protected override async Task OnInitializedAsync()
    {
        (_target, _actor, _kind, _account) = (TargetQuery, ActorQuery, KindQuery, AccountQuery);
        var caller = await CurrentCaller.GetAsync();
        _allowed = caller is not null && (caller.IsAdmin || caller.HasAccount);
        if (caller?.IsAdmin == true)
        {
            _accounts = await Log.AccountsAsync(caller);
        }

        _caller = caller ?? new Caller("", "", null, null, null, false);
    }

    /// <summary>The current filters as an <see cref="AuditQuery"/> (the "to" date includes its whole day).</summary>
    private AuditQuery Query() => new(_account, _target, _actor, _kind,
        _from is { } from ? new DateTimeOffset(DateTime.SpecifyKind(from.Date, DateTimeKind.Utc)) : null,
        _to is { } to ? new DateTimeOffset(DateTime.SpecifyKind(to.Date, DateTimeKind.Utc)).AddDays(1).AddTicks(-1) : null);

    private async Task<TableData<AuditEntryView>> LoadAsync(TableState state, CancellationToken ct)
    {
        var page = await Log.ListAsync(_caller!, Query(), state.Page * state.PageSize, state.PageSize, ct);
        return page.IsSuccess
            ? new TableData<AuditEntryView> { Items = page.Value.Rows, TotalItems = page.Value.Total }
            : new TableData<AuditEntryView> { Items = [], TotalItems = 0 };
    }

    /// <summary>The download link: the same filters, answered by <see cref="AuditEndpoints"/> with the page's authorization.</summary>
    private string ExportUrl(string format)
    {
        var query = Query();
        var parameters = new Dictionary<string, object?>
        {
            ["format"] = format, ["account"] = Blank(query.AccountId), ["target"] = Blank(query.Target), ["actor"] = Blank(query.Actor), ["kind"] = Blank(query.Kind),
            ["from"] = query.From?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["to"] = query.To?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        return Navigation.GetUriWithQueryParameters(Navigation.ToAbsoluteUri("/audit/export").ToString(), parameters);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private void Toggle(Guid id)
    {
        if (!_open.Remove(id))
        {
            _open.Add(id);
        }
    }

    private Task OnAccountAsync(string? value) => ReloadAsync(() => _account = value);

    private Task OnTargetAsync(string? value) => ReloadAsync(() => _target = value);

    private Task OnActorAsync(string? value) => ReloadAsync(() => _actor = value);

    private Task OnKindAsync(string? value) => ReloadAsync(() => _kind = value);

    private Task OnFromAsync(DateTime? value) => ReloadAsync(() => _from = value);

    private Task OnToAsync(DateTime? value) => ReloadAsync(() => _to = value);

    private async Task ReloadAsync(Action set)
    {
        set();
        _open.Clear();
        if (_table is not null)
        {
            await _table.ReloadServerData();
        }
    }
}
