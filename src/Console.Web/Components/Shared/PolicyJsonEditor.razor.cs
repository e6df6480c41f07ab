using BlazorMonaco.Editor;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using SesConsole.Domain.Policies;

namespace SesConsole.Web.Components.Shared;

public sealed partial class PolicyJsonEditor
{
    [Inject] public required IJSRuntime JS { get; init; }

    private static int _instances;
    private StandaloneCodeEditor? _editor;
    private string _monacoId = "";
    private string _lastValue = "";
    private string _constructedWith = "";
    private bool _ready;
    private bool _disposed;
    private IReadOnlyList<PolicyDiagnostic>? _shownDiagnostics;
    private int _shownHighlight = -1;

    /// <summary>The editor's id prefix; the Monaco instance is <c>data-editor-id</c> of the wrapper (prefix plus a counter).</summary>
    /// <remarks>Defaults to <c>policy-editor</c>.</remarks>
    [Parameter] public string Id { get; set; } = "policy-editor";

    /// <summary>The policy text. Set from outside (a template, the wizard), it replaces the editor's text.</summary>
    /// <remarks>Defaults to empty.</remarks>
    [Parameter] public string Value { get; set; } = "";

    /// <summary>Raised with the whole text on every edit in the editor.</summary>
    [Parameter] public EventCallback<string> ValueChanged { get; set; }

    /// <summary>The domain validator's diagnostics for <see cref="Value"/>: drawn as markers and listed as problems.</summary>
    /// <remarks>Defaults to none.</remarks>
    [Parameter] public IReadOnlyList<PolicyDiagnostic> Diagnostics { get; set; } = [];

    /// <summary>The JSON schema (see PolicySchema) registered for completion and hover; null keeps the previous one.</summary>
    /// <remarks>Defaults to null (Monaco's plain JSON support).</remarks>
    [Parameter] public string? Schema { get; set; }

    /// <summary>A line to highlight (the simulator's deciding statement); 0 for none.</summary>
    /// <remarks>Defaults to 0.</remarks>
    [Parameter] public int HighlightLine { get; set; }

    /// <summary>The editor's CSS height (BlazorMonaco needs an explicit one).</summary>
    /// <remarks>Defaults to <c>420px</c>.</remarks>
    [Parameter] public string Height { get; set; } = "420px";

    /// <summary>Whether the text can be changed (members who are not the account root only read).</summary>
    /// <remarks>Defaults to false.</remarks>
    [Parameter] public bool ReadOnly { get; set; }

    private StandaloneEditorConstructionOptions Options(StandaloneCodeEditor editor)
    {
        _constructedWith = Value;
        _lastValue = Value;
        return new()
        {
            Language = "json",
            Value = Value,
            AutomaticLayout = true,
            Minimap = new EditorMinimapOptions { Enabled = false },
            ReadOnly = ReadOnly,
            ScrollBeyondLastLine = false,
            FormatOnPaste = true,
            TabSize = 2,
            FixedOverflowWidgets = true,
        };
    }

    private int ErrorCount() => Diagnostics.Count(d => d.IsError);

    protected override void OnInitialized() =>
        // One BlazorMonaco id per instance: BlazorMonaco hands a re-created editor the text of the last one with the same id.
        _monacoId = $"{Id}-{Interlocked.Increment(ref _instances)}";

    protected override async Task OnParametersSetAsync()
    {
        if (_ready && _editor is not null && Value != _lastValue)
        {
            // Changed from outside (a template, the wizard): push it into Monaco.
            _lastValue = Value;
            await _editor.SetValue(Value);
        }

        await SyncAsync();
    }

    private async Task OnInitAsync()
    {
        if (_disposed)
        {
            return;
        }

        _ready = true;
        var current = _editor is null ? Value : await _editor.GetValue() ?? "";
        if (_disposed)
        {
            return;
        }

        if (Value != _constructedWith)
        {
            // Set from outside (a template, the wizard) while Monaco was starting: the parameter wins.
            _lastValue = Value;
            if (current != Value)
            {
                await _editor!.SetValue(Value);
            }
        }
        else if (current != _lastValue)
        {
            // Typed or pasted before this callback arrived (a slow circuit): the user's text wins, never the initial one.
            _lastValue = current;
            Value = current;
            await ValueChanged.InvokeAsync(current);
        }

        if (Schema is not null)
        {
            await JS.InvokeVoidAsync("sesPolicyEditor.registerSchema", Schema);
        }

        _shownDiagnostics = null;
        _shownHighlight = -1;
        await SyncAsync();
    }

    private async Task SyncAsync()
    {
        if (!_ready || _disposed)
        {
            return;
        }

        if (!ReferenceEquals(_shownDiagnostics, Diagnostics))
        {
            _shownDiagnostics = Diagnostics;
            await JS.InvokeVoidAsync("sesPolicyEditor.setMarkers", _monacoId,
                Diagnostics.Select(d => new { line = d.Line, column = d.Column, message = d.Message, hint = d.Hint, code = d.Code, error = d.IsError }).ToArray());
        }

        if (_shownHighlight != HighlightLine)
        {
            _shownHighlight = HighlightLine;
            await JS.InvokeVoidAsync("sesPolicyEditor.highlight", _monacoId, HighlightLine);
        }
    }

    private async Task OnContentChangedAsync(ModelContentChangedEvent e)
    {
        if (_editor is null)
        {
            return;
        }

        var value = await _editor.GetValue() ?? "";
        if (value == _lastValue)
        {
            return;
        }

        _lastValue = value;
        Value = value;
        await ValueChanged.InvokeAsync(value);
    }

    private async Task RevealAsync(PolicyDiagnostic d) => await JS.InvokeVoidAsync("sesPolicyEditor.reveal", _monacoId, d.Line, d.Column);

    private async Task FormatAsync() => await JS.InvokeVoidAsync("sesPolicyEditor.format", _monacoId);

    public async ValueTask DisposeAsync()
    {
        // BlazorMonaco keeps disposed components' editors registered by id; drop ours so a new one starts clean.
        _disposed = true;
        if (_ready && _editor is not null)
        {
            try
            {
                await _editor.DisposeEditor();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone; so is the editor.
            }
        }
    }
}
