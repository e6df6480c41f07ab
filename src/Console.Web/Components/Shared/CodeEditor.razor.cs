using BlazorMonaco.Editor;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace SesConsole.Web.Components.Shared;

/// <summary>
/// A Monaco editor for text that is not a policy: a template's subject, text and HTML parts (Handlebars) and the JSON
/// data a template is rendered with. Same value handling as <see cref="PolicyJsonEditor"/>: the user's typing wins over an
/// initial value that arrives late, and a value set from outside replaces the text.
/// </summary>
public sealed partial class CodeEditor
{
    private static int _instances;
    private StandaloneCodeEditor? _editor;
    private string _monacoId = "";
    private string _lastValue = "";
    private string _constructedWith = "";
    private bool _ready;
    private bool _disposed;

    [Inject] public required IJSRuntime JS { get; init; }

    /// <summary>The editor's id prefix; the Monaco instance is <c>data-editor-id</c> of the wrapper (prefix plus a counter).</summary>
    /// <remarks>Defaults to <c>code-editor</c>.</remarks>
    [Parameter] public string Id { get; set; } = "code-editor";

    /// <summary>The wrapper's <c>data-testid</c>.</summary>
    /// <remarks>Defaults to <c>code-editor</c>.</remarks>
    [Parameter] public string TestId { get; set; } = "code-editor";

    /// <summary>The text. Set from outside, it replaces the editor's text.</summary>
    /// <remarks>Defaults to empty.</remarks>
    [Parameter] public string Value { get; set; } = "";

    /// <summary>Raised with the whole text on every edit in the editor.</summary>
    [Parameter] public EventCallback<string> ValueChanged { get; set; }

    /// <summary>Monaco's language id: <c>handlebars</c>, <c>json</c>, <c>plaintext</c>…</summary>
    /// <remarks>Defaults to <c>plaintext</c>.</remarks>
    [Parameter] public string Language { get; set; } = "plaintext";

    /// <summary>What a screen reader announces for the editor (Monaco's text area has no visible label).</summary>
    /// <remarks>Defaults to <c>Code editor</c>.</remarks>
    [Parameter] public string AriaLabel { get; set; } = "Code editor";

    /// <summary>One line, no line numbers or scroll bars (a subject).</summary>
    /// <remarks>Defaults to false.</remarks>
    [Parameter] public bool SingleLine { get; set; }

    /// <summary>The editor's CSS height (BlazorMonaco needs an explicit one).</summary>
    /// <remarks>Defaults to <c>240px</c>; <see cref="SingleLine"/> editors are one line high whatever this says.</remarks>
    [Parameter] public string Height { get; set; } = "240px";

    /// <summary>Whether the text can be changed.</summary>
    /// <remarks>Defaults to false.</remarks>
    [Parameter] public bool ReadOnly { get; set; }

    private string EffectiveHeight => SingleLine ? "34px" : Height;

    private StandaloneEditorConstructionOptions Options(StandaloneCodeEditor editor)
    {
        _constructedWith = Value;
        _lastValue = Value;
        var options = new StandaloneEditorConstructionOptions
        {
            Language = Language,
            Value = Value,
            AriaLabel = AriaLabel,
            AutomaticLayout = true,
            Minimap = new EditorMinimapOptions { Enabled = false },
            ReadOnly = ReadOnly,
            ScrollBeyondLastLine = false,
            WordWrap = "on",
            TabSize = 2,
            FixedOverflowWidgets = true,
        };
        if (SingleLine)
        {
            options.LineNumbers = "off";
            options.Folding = false;
            options.GlyphMargin = false;
            options.LineDecorationsWidth = 8;
            options.RenderLineHighlight = "none";
            options.OverviewRulerLanes = 0;
            options.HideCursorInOverviewRuler = true;
            options.WordWrap = "off";
            options.Scrollbar = new EditorScrollbarOptions { Vertical = "hidden", Horizontal = "hidden" };
        }

        return options;
    }

    protected override void OnInitialized() =>
        // One BlazorMonaco id per instance: BlazorMonaco hands a re-created editor the text of the last one with the same id.
        _monacoId = $"{Id}-{Interlocked.Increment(ref _instances)}";

    protected override async Task OnParametersSetAsync()
    {
        if (_ready && !_disposed && _editor is not null && Value != _lastValue)
        {
            _lastValue = Value;
            await _editor.SetValue(Value);
        }
    }

    private async Task OnInitAsync()
    {
        if (_disposed)
        {
            return;
        }

        _ready = true;
        // Null when no Monaco answered (the component tests' stubbed JS): nothing was typed, keep the value.
        var current = _editor is null ? Value : await _editor.GetValue();
        if (_disposed)
        {
            return;
        }

        if (Value != _constructedWith)
        {
            // Set from outside while Monaco was starting: the parameter wins.
            _lastValue = Value;
            if (current != Value)
            {
                await _editor!.SetValue(Value);
            }
        }
        else if (current is not null && current != _lastValue)
        {
            // Typed or pasted before this callback arrived (a slow circuit): the user's text wins, never the initial one.
            _lastValue = current;
            Value = current;
            await ValueChanged.InvokeAsync(current);
        }

        if (Language == "json")
        {
            // The policy editor registers its schema for every JSON model; this editor's JSON is not a policy.
            await JS.InvokeVoidAsync("sesPolicyEditor.clearSchema");
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
