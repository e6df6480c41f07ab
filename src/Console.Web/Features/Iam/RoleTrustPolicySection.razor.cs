using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Principals;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Hosting;

namespace SesConsole.Web.Features.Iam;

public partial class RoleTrustPolicySection
{
    private IPrincipalDirectory? _directory;
    private string _document = "";
    private string? _schema;
    private IReadOnlyList<PolicyDiagnostic> _diagnostics = [];
    private Error? _error;
    private string? _durationError;
    private int _maxSession;
    private bool _hasSaved;
    private bool _busy;

    [Inject] public required IamService Iam { get; init; }

    [Inject] public required PrincipalDirectoryLoader DirectoryLoader { get; init; }

    [Inject] public required PolicySimulator Simulator { get; init; }

    [Inject] public required IOptions<ConsoleOptions> Options { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    /// <summary>The account root managing the role.</summary>
    [Parameter, EditorRequired] public Caller Caller { get; set; } = default!;

    /// <summary>The role's name.</summary>
    [Parameter, EditorRequired] public string RoleName { get; set; } = "";

    /// <summary>The role's ARN (shown in the explanation).</summary>
    [Parameter] public string RoleArn { get; set; } = "";

    /// <summary>The saved trust policy; null when the role has none.</summary>
    /// <remarks>Defaults to null.</remarks>
    [Parameter] public string? TrustPolicy { get; set; }

    /// <summary>The saved maximum session duration in seconds.</summary>
    /// <remarks>Defaults to 3,600.</remarks>
    [Parameter] public int MaxSessionDurationSeconds { get; set; } = SessionDuration.MinRoleMaximumSeconds;

    /// <summary>Raised after a save, so the page reloads the role.</summary>
    [Parameter] public EventCallback Changed { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _hasSaved = TrustPolicy is not null;
        _document = TrustPolicy ?? IamService.TrustPolicyTemplate(Caller.AccountId ?? "");
        _maxSession = MaxSessionDurationSeconds;
        _directory = await DirectoryLoader.LoadAsync();
        var principals = await Simulator.KnownPrincipalsAsync(Options.Value.ServicePrincipals);
        _schema = PolicySchema.BuildTrustPolicy(principals.Where(p => p.Kind != KnownPrincipalKind.Service).Select(p => p.Value), Options.Value.ServicePrincipals);
        _diagnostics = PolicyValidator.ValidateTrustPolicy(_document, _directory).Diagnostics;
    }

    private void OnDocumentChanged(string value)
    {
        _document = value;
        _error = null;
        if (_directory is not null)
        {
            _diagnostics = PolicyValidator.ValidateTrustPolicy(value, _directory).Diagnostics;
        }
    }

    private async Task SaveAsync()
    {
        _busy = true;
        var result = await Iam.PutTrustPolicyAsync(Caller, RoleName, _document);
        _busy = false;
        if (!result.IsSuccess)
        {
            _error = result.Error;
            return;
        }

        _error = null;
        _hasSaved = true;
        Snackbar.Add($"Saved the trust policy of {RoleName}.", Severity.Success);
        await Changed.InvokeAsync();
    }

    private async Task SaveDurationAsync()
    {
        _busy = true;
        var result = await Iam.SetMaxSessionDurationAsync(Caller, RoleName, _maxSession);
        _busy = false;
        _durationError = result.Error?.Message;
        if (result.IsSuccess)
        {
            Snackbar.Add($"Sessions of {RoleName} may now last up to {_maxSession:N0} seconds.", Severity.Success);
            await Changed.InvokeAsync();
        }
    }
}
