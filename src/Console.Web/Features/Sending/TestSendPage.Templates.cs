using System.Globalization;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Templates;
using SesConsole.Web.Features.Templates;
using SesConsole.Web.Sending.Templates;

namespace SesConsole.Web.Features.Sending;

/// <summary>
/// The test-send page's template mode (docs/templates.md#test-send-with-a-template): SendTemplatedEmail and
/// SendBulkTemplatedEmail through <see cref="TemplatedSender"/>, the path the API takes, with the template of the
/// signed-in user's account.
/// </summary>
public sealed partial class TestSendPage
{
    private IReadOnlyList<string> _templateNames = [];
    private string? _templateName;
    private string _templateData = "{}";
    private List<BulkEntryInput> _bulkEntries = [];
    private BulkSendResult? _bulk;
    private IReadOnlyList<BulkDestination> _bulkSent = [];
    private bool _bulkDryRun;

    /// <summary>One destination of a bulk send, as the form holds it.</summary>
    private sealed class BulkEntryInput
    {
        public string To { get; set; } = "";

        /// <summary>The entry's ReplacementTemplateData; empty: the default data.</summary>
        public string Data { get; set; } = "";
    }

    private bool TemplateActive => _api is SendApi.V1SendTemplatedEmail or SendApi.V1SendBulkTemplatedEmail;

    private bool BulkActive => _api == SendApi.V1SendBulkTemplatedEmail;

    private async Task LoadTemplatesAsync()
    {
        var list = await Templates.ListAsync(_caller!, Region.Current);
        _templateNames = [.. (list.Value ?? []).Select(t => t.Name)];
    }

    private async Task OnTemplateChangedAsync(string? name)
    {
        _templateName = name;
        if (name is null)
        {
            return;
        }

        var found = await Templates.GetAsync(_caller!, Region.Current, name);
        if (found.IsSuccess)
        {
            _templateData = TemplatesService.SampleData(TemplatesService.Variables(found.Value.Template));
            foreach (var entry in _bulkEntries.Where(e => e.Data.Length == 0))
            {
                entry.Data = _templateData;
            }
        }
    }

    private void EnsureBulkEntries()
    {
        if (_bulkEntries.Count == 0)
        {
            _bulkEntries =
            [
                new() { To = Split(_to) is [var first, ..] ? first : "success@simulator.amazonses.com", Data = _templateData },
                new() { To = "bounce@simulator.amazonses.com", Data = _templateData },
            ];
        }
    }

    private void AddBulkEntry()
    {
        if (_bulkEntries.Count < TemplateRules.MaxBulkDestinations)
        {
            _bulkEntries.Add(new BulkEntryInput { To = "success@simulator.amazonses.com", Data = _templateData });
        }
    }

    private void RemoveBulkEntry(BulkEntryInput entry) => _bulkEntries.Remove(entry);

    private static string[] Split(string to) => to.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? DataOrNull(string data) => string.IsNullOrWhiteSpace(data) ? null : data;

    private async Task SendTemplatedAsync(SendCaller caller, bool dryRun)
    {
        var label = dryRun ? "TestSend (dry run)" : "TestSend";
        var shared = new SendRequest(caller, _api, Region.Current, Time.GetUtcNow(), new SimpleContent(BulkActive ? [] : Recipients))
        {
            Source = Source,
            SourceArn = Arn,
            FromArn = Arn,
            DryRun = dryRun,
            Explain = true,
        };
        if (string.IsNullOrEmpty(_templateName))
        {
            _error = "Choose a template first.";
            return;
        }

        if (BulkActive)
        {
            _bulkSent = [.. _bulkEntries.Select(e => new BulkDestination(Split(e.To), ReplacementTemplateData: DataOrNull(e.Data)))];
            _bulk = await Templated.SendBulkAsync(shared, label, _templateName, DataOrNull(_templateData), _bulkSent, CancellationToken.None);
            if (_bulk.Error is { } callError)
            {
                var wire = callError.V1;
                _error = string.Create(CultureInfo.InvariantCulture, $"{wire.Code} (HTTP {wire.HttpStatus}): {wire.Message}");
            }

            return;
        }

        var result = await Templated.SendTemplatedAsync(shared, label, _templateName, DataOrNull(_templateData), CancellationToken.None);
        _outcome = result.Outcome;
        _explained = _outcome is null ? [] : AuthorizationExplanationView.From(_outcome.Authorizations);
        if (result.Outcome is null && result.Error is { } error)
        {
            // Refused before the pipeline (no such template, data that is not a JSON object), as the API answers it.
            var wire = error.V1;
            _error = string.Create(CultureInfo.InvariantCulture, $"{wire.Code} (HTTP {wire.HttpStatus}): {wire.Message}");
        }
    }
}
