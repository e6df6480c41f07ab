// Policy editor helpers over BlazorMonaco's editors: JSON schema, domain markers, reveal, format, highlight.
window.sesPolicyEditor = {
    _decorations: {},
    _editor: function (id) {
        // Null once disposed (the user switched to the visual mode while the editor was starting): callers then do nothing.
        var editor = window.blazorMonaco && window.blazorMonaco.editor ? window.blazorMonaco.editor.getEditor(id, true) : null;
        return editor && editor.getModel() ? editor : null;
    },
    registerSchema: function (schemaJson) {
        if (typeof monaco === 'undefined') { return; }
        monaco.languages.json.jsonDefaults.setDiagnosticsOptions({
            validate: true, allowComments: false, enableSchemaRequest: false,
            schemas: [{ uri: 'sesconsole://schemas/policy.json', fileMatch: ['*'], schema: JSON.parse(schemaJson) }]
        });
    },
    clearSchema: function () {
        // The template page's JSON data editor: plain JSON, not a policy (the schema above matches every JSON model).
        if (typeof monaco === 'undefined') { return; }
        monaco.languages.json.jsonDefaults.setDiagnosticsOptions({ validate: true, allowComments: false, enableSchemaRequest: false, schemas: [] });
    },
    _endColumn: function (model, line, column) {
        var text = model.getLineContent(line);
        var i = column - 1;
        if (text[i] === '"') {
            var j = i + 1;
            while (j < text.length && (text[j] !== '"' || text[j - 1] === '\\')) { j++; }
            return j + 2;
        }
        var word = model.getWordAtPosition({ lineNumber: line, column: column });
        return word ? word.endColumn : Math.max(column + 1, model.getLineMaxColumn(line));
    },
    setMarkers: function (id, markers) {
        var editor = this._editor(id);
        if (!editor) { return false; }
        var model = editor.getModel();
        var lines = model.getLineCount();
        var self = this;
        monaco.editor.setModelMarkers(model, 'sesconsole-policy', markers.map(function (m) {
            var line = Math.min(Math.max(1, m.line), lines);
            var column = Math.min(Math.max(1, m.column), model.getLineMaxColumn(line));
            return {
                severity: m.error ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
                message: m.message + (m.hint ? '\n' + m.hint : ''), code: m.code, source: 'SesConsole',
                startLineNumber: line, startColumn: column, endLineNumber: line, endColumn: self._endColumn(model, line, column)
            };
        }));
        return true;
    },
    reveal: function (id, line, column) {
        var editor = this._editor(id);
        if (!editor) { return; }
        editor.revealLineInCenter(line);
        editor.setPosition({ lineNumber: line, column: column });
        editor.focus();
    },
    format: async function (id) {
        var editor = this._editor(id);
        if (!editor) { return; }
        await editor.getAction('editor.action.formatDocument').run();
    },
    highlight: function (id, line) {
        var editor = this._editor(id);
        if (!editor) { return; }
        var decorations = line > 0 ? [{ range: new monaco.Range(line, 1, line, 1), options: { isWholeLine: true, className: 'policy-deciding-line', linesDecorationsClassName: 'policy-deciding-glyph' } }] : [];
        this._decorations[id] = editor.deltaDecorations(this._decorations[id] || [], decorations);
        if (line > 0) { editor.revealLineInCenter(line); }
    }
};
