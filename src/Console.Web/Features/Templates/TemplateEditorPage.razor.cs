using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using MudBlazor;
using SesConsole.Domain.Templates;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Sending.Templates;

namespace SesConsole.Web.Features.Templates;

/// <summary>
/// Creates or edits one email template: Monaco editors for its three parts, the variables they use, and a test render of
/// the unsaved text with sample JSON data, the HTML shown in a sandboxed frame (docs/templates.md#templates-page).
/// A save that fails keeps everything as typed and says why above the form.
/// </summary>
public sealed partial class TemplateEditorPage
{
    private Caller _caller = default!;
    private List<BreadcrumbItem> _crumbs = [];
    private EmailTemplate? _saved;
    private string _name = "";
    private string _subject = "";
    private string _text = "";
    private string _html = "";
    private string _data = "{}";

    /// <summary>The sample data last made from the variables: while the data is still that, it follows the variables.</summary>
    private string _generatedData = "{}";
    private IReadOnlyList<string> _variables = [];
    private RenderedTemplate? _rendered;
    private TemplateRenderError? _renderError;
    private string? _saveError;
    private string? _nameError;
    private string? _loadedFor;
    private bool _loading = true;
    private bool _missing;
    private bool _isNew;
    private bool _isRoot;
    private bool _busy;
    private bool _leaving;

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required TemplatesService Templates { get; init; }

    [Inject] public required RegionContext Region { get; init; }

    [Inject] public required IDialogService Dialogs { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    /// <summary>The template; null on <c>/templates/new</c>.</summary>
    [Parameter] public string? Name { get; set; }

    [SupplyParameterFromQuery(Name = "region")] public string? RegionQuery { get; set; }

    /// <summary>
    /// On <c>/templates/new</c>: an existing template to open whose name the route takes for the literal (<c>new</c>, in any
    /// case); see <see cref="TemplatePaths.Of"/>.
    /// </summary>
    [SupplyParameterFromQuery(Name = "name")] public string? NameQuery { get; set; }

    private string? TemplateName => Name ?? NameQuery;

    private string EditedName => _isNew ? (string.IsNullOrWhiteSpace(_name) ? "(new template)" : _name.Trim()) : TemplateName!;

    private EmailTemplate Draft => new(_isNew ? _name.Trim() : TemplateName!, Part(_subject), Part(_text), Part(_html));

    private bool IsDirty => !_leaving && !_loading && !_missing && _isRoot && (_saved is null
        ? _name.Length > 0 || _subject.Length > 0 || _text.Length > 0 || _html.Length > 0
        : Part(_subject) != _saved.Subject || Part(_text) != _saved.Text || Part(_html) != _saved.Html);

    private static string? Part(string text) => text.Length == 0 ? null : text;

    protected override async Task OnParametersSetAsync()
    {
        Region.Set(RegionQuery);
        var key = $"{Region.Current}/{TemplateName}";
        if (_loadedFor == key)
        {
            // Just created here and now shown at its own address: keep the editors and the sample data as they are.
            return;
        }

        _loading = true;
        _isNew = TemplateName is null;
        _caller = (await CurrentCaller.GetAsync())!;
        _isRoot = _caller.IsAccountRoot;
        _crumbs = [new("Email templates", "/templates"), new(_isNew ? "New template" : TemplateName!, null, true)];
        _saveError = null;
        _nameError = null;
        _rendered = null;
        _renderError = null;
        _missing = false;
        if (_isNew)
        {
            _saved = null;
            (_name, _subject, _text, _html) = ("", "", "", "");
        }
        else
        {
            var found = await Templates.GetAsync(_caller, Region.Current, TemplateName!);
            _missing = !found.IsSuccess;
            _saved = found.Value?.Template;
            (_name, _subject, _text, _html) = (_saved?.Name ?? TemplateName!, _saved?.Subject ?? "", _saved?.Text ?? "", _saved?.Html ?? "");
        }

        _loadedFor = key;
        UpdateVariables();
        ResetSample();
        _loading = false;
    }

    private void OnSubjectChanged(string value)
    {
        _subject = value;
        UpdateVariables();
    }

    private void OnTextChanged(string value)
    {
        _text = value;
        UpdateVariables();
    }

    private void OnHtmlChanged(string value)
    {
        _html = value;
        UpdateVariables();
    }

    private void OnDataChanged(string value) => _data = value;

    private void UpdateVariables()
    {
        _variables = [.. TemplatesService.Variables(Draft).Order(StringComparer.Ordinal)];
        if (_data == _generatedData)
        {
            ResetSample();
        }
    }

    /// <summary>Sample data with every variable, a nested object for <c>a.b</c>: each value is the variable's own name.</summary>
    private void ResetSample()
    {
        _data = TemplatesService.SampleData(_variables);
        _generatedData = _data;
    }

    private void Render()
    {
        // A new template may have no name yet; the renderer's messages name it.
        var outcome = Templates.Render(Draft with { Name = EditedName }, _data);
        _rendered = outcome.Rendered;
        _renderError = outcome.Error is { Kind: TemplateRenderErrorKind.InvalidData } invalid
            ? invalid with { Message = TemplatesService.DescribeInvalidData(_data) }
            : outcome.Error;
    }

    private static string ErrorTitle(TemplateRenderErrorKind kind) => kind switch
    {
        TemplateRenderErrorKind.InvalidData => "The sample data is not a JSON object.",
        TemplateRenderErrorKind.MissingAttribute => "A variable is missing from the sample data.",
        _ => "The template cannot be rendered.",
    };

    private async Task SaveAsync()
    {
        _saveError = null;
        _nameError = null;
        _busy = true;
        var draft = Draft;
        var result = await Templates.SaveAsync(_caller, Region.Current, draft, _isNew);
        _busy = false;
        if (!result.IsSuccess)
        {
            _saveError = result.Error.Message;
            if (_isNew && (result.Error.Code == "AlreadyExists" || !TemplateRules.IsValidName(draft.Name)))
            {
                _nameError = result.Error.Message;
            }

            return;
        }

        _saved = result.Value.Template;
        if (_isNew)
        {
            Snackbar.Add($"Template {draft.Name} created.", Severity.Success);
            _isNew = false;
            _loadedFor = $"{Region.Current}/{draft.Name}";
            _crumbs = [new("Email templates", "/templates"), new(draft.Name, null, true)];
            Navigation.NavigateTo(TemplatePaths.Of(draft.Name), replace: true);
        }
        else
        {
            Snackbar.Add($"Template {draft.Name} saved.", Severity.Success);
        }
    }

    private async Task OnBeforeNavigationAsync(LocationChangingContext context)
    {
        if (!IsDirty)
        {
            return;
        }

        if (!await ConfirmDialog.AskAsync(Dialogs, "Discard unsaved changes?", "Your changes to this template have not been saved.", "Discard"))
        {
            context.PreventNavigation();
        }
        else
        {
            _leaving = true;
        }
    }
}
