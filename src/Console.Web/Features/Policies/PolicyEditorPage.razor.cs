using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.Extensions.Options;
using MudBlazor;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Features.Policies;

/// <summary>
/// Creates or edits one sending authorization policy: JSON (Monaco) and visual modes over the same text, live domain
/// diagnostics (debounced), a simulator on the unsaved text, a diff before saving and an unsaved-changes guard.
/// </summary>
public sealed partial class PolicyEditorPage : IDisposable
{
    private const int DebounceMilliseconds = 300;

    private Caller _caller = default!;
    private IdentityPolicies? _identity;
    private IPrincipalDirectory? _directory;
    private IReadOnlyList<KnownPrincipal> _principals = [];
    private IReadOnlyList<PolicyTemplate> _templates = [];
    private IReadOnlyList<PolicyDiagnostic> _diagnostics = [];
    private List<BreadcrumbItem> _crumbs = [];
    private readonly SimulationInput _simulation = new();
    private CancellationTokenSource? _debounce;
    private string? _schema;
    private string _text = "";
    private string? _savedText;
    private string _name = "";
    private string? _nameError;
    private string? _notFound;

    /// <summary>Why the visual editor's cards cannot be written to JSON (see <see cref="PolicyWizard.ProblemChanged"/>); null when they can.</summary>
    private string? _wizardProblem;

    /// <summary>A Save was refused for errors or the wizard's problem; cleared once neither holds (see <see cref="SaveBlockedMessage"/>).</summary>
    private bool _saveBlocked;
    private bool _loading = true;
    private bool _busy;
    private bool _isRoot;
    private bool _isNew;
    private bool _leaving;
    private int _tab;
    private int _decidingLine;

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required IdentityPoliciesService PolicyService { get; init; }

    [Inject] public required PolicySimulator Simulator { get; init; }

    [Inject] public required PrincipalDirectoryLoader DirectoryLoader { get; init; }

    [Inject] public required IOptions<ConsoleOptions> Options { get; init; }

    [Inject] public required RegionContext Region { get; init; }

    [Inject] public required IDialogService Dialogs { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    /// <summary>The identity.</summary>
    [Parameter] public string Name { get; set; } = "";

    /// <summary>The policy; null on <c>/new</c>.</summary>
    [Parameter] public string? PolicyName { get; set; }

    [SupplyParameterFromQuery(Name = "region")] public string? RegionQuery { get; set; }

    /// <summary>On <c>/new</c>: the template to start from (see <see cref="PolicyTemplates"/>).</summary>
    [SupplyParameterFromQuery(Name = "template")] public string? TemplateQuery { get; set; }

    /// <summary>On an existing policy: the Sid of the statement to show (a finding's link, docs/policy-editor.md#findings).</summary>
    [SupplyParameterFromQuery(Name = "statement")] public string? StatementQuery { get; set; }

    /// <summary>On an existing policy: the line to show when the statement has no Sid.</summary>
    [SupplyParameterFromQuery(Name = "line")] public int? LineQuery { get; set; }

    /// <summary>What <see cref="StatementQuery"/> or <see cref="LineQuery"/> pointed at, said above the editor.</summary>
    private string? _focusNote;

    private bool IsDirty => !_leaving && _identity is not null && (_text != (_savedText ?? "") || (!_isNew && _name != PolicyName) || _wizardProblem is not null);

    private string IdentityHref => $"/identities/{Uri.EscapeDataString(Name)}?region={Uri.EscapeDataString(Region.Current)}#policies";

    private int ErrorCount => _diagnostics.Count(d => d.IsError);

    /// <summary>Why the last Save was refused, for as long as it still holds: the count follows the text, and the message goes away with the last error.</summary>
    private string? SaveBlockedMessage =>
        !_saveBlocked ? null
        : _wizardProblem is not null ? $"The visual editor cannot write this policy yet ({_wizardProblem}). Resolve it first."
        : ErrorCount > 0 ? $"Fix {Plural.Of(ErrorCount, "error")} before saving; the problems list shows where."
        : null;

    private string EditedName => string.IsNullOrWhiteSpace(_name) ? "(this policy)" : _name;

    protected override async Task OnParametersSetAsync()
    {
        Region.Set(RegionQuery);
        _isNew = PolicyName is null;
        _caller = (await CurrentCaller.GetAsync())!;
        _isRoot = _caller.IsAccountRoot;
        _crumbs =
        [
            new("Identities", "/identities"), new(Name, $"/identities/{Uri.EscapeDataString(Name)}"),
            new(_isNew ? "New policy" : PolicyName!, null, true),
        ];
        var list = await PolicyService.ListAsync(_caller, Region.Current, Name);
        if (!list.IsSuccess)
        {
            _notFound = list.Error.Message;
            _loading = false;
            return;
        }

        _identity = list.Value;
        _directory = await DirectoryLoader.LoadAsync();
        _principals = await Simulator.KnownPrincipalsAsync(Options.Value.ServicePrincipals);
        _schema = PolicySchema.Build(_principals.Where(p => p.Kind != KnownPrincipalKind.Service).Select(p => p.Value), Options.Value.ServicePrincipals);
        _templates = PolicyTemplates.For(_identity.IdentityArn, _identity.OwnerAccountId, _identity.IdentityName);
        if (_isNew)
        {
            var template = _templates.FirstOrDefault(t => t.Key == TemplateQuery) ?? _templates[0];
            _text = template.Document;
            _name = template.SuggestedName;
            _savedText = null;
        }
        else
        {
            var policy = _identity.Policies.FirstOrDefault(p => p.Name == PolicyName);
            if (policy is null)
            {
                _notFound = $"Policy {PolicyName} does not exist";
                _loading = false;
                return;
            }

            _text = policy.Document;
            _savedText = policy.Document;
            _name = policy.Name;
            Focus(policy.Document);
        }

        _simulation.Principal = _principals.FirstOrDefault(p => p.Kind == KnownPrincipalKind.Account && p.Value != _identity.OwnerAccountId)?.Value ?? "";
        _simulation.FromAddress = _identity.IdentityName.Contains('@', StringComparison.Ordinal) ? _identity.IdentityName : $"sender@{_identity.IdentityName}";
        Validate();
        _loading = false;
    }

    /// <summary>Highlights and reveals the statement a link asked for (<c>?statement=Sid</c> or <c>?line=n</c>).</summary>
    private void Focus(string document)
    {
        _focusNote = null;
        if (StatementQuery is { Length: > 0 } sid)
        {
            var statement = PolicyParser.Parse(document).Document?.Statements.FirstOrDefault(st => st.Sid?.Value == sid);
            _decidingLine = statement?.Location.Line ?? 0;
            _focusNote = statement is null ? $"Statement {sid} is no longer in this policy." : $"Statement {sid} (line {statement.Location.Line}) is highlighted.";
        }
        else if (LineQuery is > 0 and var line)
        {
            _decidingLine = line;
            _focusNote = $"Line {line} is highlighted.";
        }
    }

    private void ApplyTemplate(PolicyTemplate template)
    {
        _name = template.SuggestedName;
        _text = template.Document;
        Validate();
    }

    private void OnTextChanged(string text)
    {
        _text = text;
        _debounce?.Cancel();
        _debounce?.Dispose();
        _debounce = new CancellationTokenSource();
        var token = _debounce.Token;
        _ = Task.Delay(DebounceMilliseconds, token).ContinueWith(
            async t =>
            {
                if (!t.IsCanceled)
                {
                    await InvokeAsync(() =>
                    {
                        Validate();
                        StateHasChanged();
                    });
                }
            },
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void OnWizardChanged(string text)
    {
        _text = text;
        Validate();
    }

    private void OnWizardProblem(string? problem)
    {
        _wizardProblem = problem;
        if (problem is null && ErrorCount == 0)
        {
            _saveBlocked = false;
        }
    }

    private void Validate()
    {
        if (_identity is null || _directory is null)
        {
            return;
        }

        var arn = IdentityArn.Parse(_identity.IdentityArn).GetValueOrThrow();
        _diagnostics = PolicyValidator.ValidateResourcePolicy(_text, arn, _directory).Diagnostics;
        if (_wizardProblem is null && ErrorCount == 0)
        {
            _saveBlocked = false;
        }
    }

    private IReadOnlyList<(string Name, string Document)> SimulationPolicies() =>
        [(EditedName, _text), .. _identity!.Policies.Where(p => p.Name != PolicyName).Select(p => (p.Name, p.Document))];

    private void OnDecidingLine(int line)
    {
        _decidingLine = line;
        if (_wizardProblem is null)
        {
            // Leaving visual mode while it holds unwritten cards would drop them.
            _tab = 0;
        }
    }

    private async Task SaveAsync()
    {
        _debounce?.Cancel();
        Validate();
        if (_wizardProblem is not null)
        {
            _saveBlocked = true;
            return;
        }

        _nameError = null;
        var name = SesConsole.Domain.Policies.PolicyName.Parse(_name);
        if (!name.IsSuccess)
        {
            _nameError = name.Error.Message;
            return;
        }

        if (ErrorCount > 0)
        {
            _tab = 0;
            _saveBlocked = true;
            return;
        }

        var draft = new PolicyDraft(_isNew ? null : PolicyName, _name, _text);
        if (!await PolicyDiffDialog.AskAsync(Dialogs, _name, _savedText, _text, _diagnostics.Count, !_isNew && _name != PolicyName, Name, Region.Current, draft))
        {
            return;
        }

        _busy = true;
        var result = await PolicyService.SaveAsync(_caller, Region.Current, Name, PolicyName, _name, _text);
        _busy = false;
        if (!result.IsSuccess)
        {
            if (result.Error.Location == "Name")
            {
                _nameError = result.Error.Message;
            }

            Snackbar.Add(result.Error.Message, Severity.Error);
            return;
        }

        var warnings = result.Value.Warnings.Count;
        Snackbar.Add($"Saved policy {_name}{(warnings > 0 ? $" with {Plural.Of(warnings, "warning")}" : "")}.", warnings > 0 ? Severity.Warning : Severity.Success);
        _savedText = _text;
        _leaving = true;
        Navigation.NavigateTo(IdentityHref);
    }

    private async Task OnBeforeNavigationAsync(LocationChangingContext context)
    {
        if (!IsDirty)
        {
            return;
        }

        if (!await ConfirmDialog.AskAsync(Dialogs, "Discard unsaved changes?", "Your changes to this policy have not been saved.", "Discard"))
        {
            context.PreventNavigation();
        }
        else
        {
            _leaving = true;
        }
    }

    public void Dispose()
    {
        _debounce?.Cancel();
        _debounce?.Dispose();
    }
}
