using System.Text;
using Microsoft.AspNetCore.Components;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Sending.Steps;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Features.Sending;

public sealed partial class TestSendPage
{
    private Caller? _caller;
    private string? _identityArn;
    private string _from = "";
    private string? _displayName;
    private string _to = "success@simulator.amazonses.com";
    private string _subject = "Test from SesConsole";
    private string _body = "Hello from the test-send page.";
    private string _headers = "";
    private SendApi _api = SendApi.V2Simple;
    private bool _rawMode;
    private bool _arnsInHeaders = true;
    private string _rawMime = "";
    private string? _lastSample;
    private SendOutcome? _outcome;
    private IReadOnlyList<ExplainedAuthorization> _explained = [];
    private string? _error;
    private bool _busy;
    private List<string> _arns = [];

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required SendService Sender { get; init; }

    [Inject] public required IdentitiesService Identities { get; init; }

    [Inject] public required GrantedService Granted { get; init; }

    [Inject] public required RegionContext Region { get; init; }

    [Inject] public required TimeProvider Time { get; init; }

    [Inject] public required SesConsole.Web.Features.Templates.TemplatesService Templates { get; init; }

    [Inject] public required SesConsole.Web.Sending.Templates.TemplatedSender Templated { get; init; }

    private bool RawMimeActive => _rawMode && _api == SendApi.V1SendRawEmail;

    private string? Arn => string.IsNullOrWhiteSpace(_identityArn) ? null : _identityArn.Trim();

    private string Source => string.IsNullOrWhiteSpace(_displayName) ? _from.Trim() : $"{_displayName.Trim()} <{_from.Trim()}>";

    private IReadOnlyList<string> Recipients => _to.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    protected override async Task OnInitializedAsync()
    {
        _caller = await CurrentCaller.GetAsync();
        var own = (await Identities.ListAsync(_caller!, Region.Current)).Value ?? [];
        var granted = (await Granted.ListAsync(_caller!, Region.Current)).Value ?? [];
        _arns = [.. own.Where(i => i.CanSend).Select(i => i.Arn), .. granted.Select(g => g.IdentityArn)];
        _arns = _arns.Distinct(StringComparer.Ordinal).ToList();
    }

    private Task<IEnumerable<string>> SearchIdentitiesAsync(string? text, CancellationToken ct) =>
        Task.FromResult(_arns.Where(a => string.IsNullOrEmpty(text) || a.Contains(text, StringComparison.OrdinalIgnoreCase)));

    private void AddRecipient(string address) =>
        _to = string.IsNullOrWhiteSpace(_to) ? address : $"{_to.TrimEnd(',', ' ')}, {address}";

    private async Task OnApiChanged(SendApi api)
    {
        _api = api;
        if (api != SendApi.V1SendRawEmail)
        {
            _rawMode = false;
        }

        if (TemplateActive)
        {
            await LoadTemplatesAsync();
            if (BulkActive)
            {
                EnsureBulkEntries();
            }
        }
    }

    private void OnRawModeChanged(bool raw)
    {
        _rawMode = raw;
        if (raw && (string.IsNullOrWhiteSpace(_rawMime) || _rawMime == _lastSample))
        {
            RebuildSample();
        }
    }

    private void OnArnsInHeadersChanged(bool inHeaders)
    {
        _arnsInHeaders = inHeaders;
        if (_rawMime == _lastSample)
        {
            RebuildSample();
        }
    }

    /// <summary>
    /// A valid message from the fields; with <see cref="_arnsInHeaders"/> and an identity ARN, the ARN in the
    /// X-SES-SOURCE-ARN and X-SES-FROM-ARN headers.
    /// </summary>
    private void RebuildSample()
    {
        var sample = new StringBuilder();
        if (_arnsInHeaders && Arn is { } arn)
        {
            sample.Append(ParseMessageStep.SourceArnHeader).Append(": ").Append(arn).Append("\r\n");
            sample.Append(ParseMessageStep.FromArnHeader).Append(": ").Append(arn).Append("\r\n");
        }

        sample.Append("From: ").Append(Source).Append("\r\n")
            .Append("To: ").Append(string.Join(", ", Recipients)).Append("\r\n")
            .Append("Subject: ").Append(_subject).Append("\r\n")
            .Append("MIME-Version: 1.0\r\n")
            .Append("Content-Type: text/plain; charset=utf-8\r\n")
            .Append("\r\n")
            .Append(_body).Append("\r\n");
        _rawMime = sample.ToString();
        _lastSample = _rawMime;
    }

    private SendRequest BuildRequest(SendCaller caller, bool dryRun)
    {
        var recipients = Recipients;
        var arn = Arn;
        if (RawMimeActive)
        {
            // Sent as typed (line ends normalized to CRLF): recipients, From and any X-SES-*-ARN headers come from the message;
            // the ARN parameters (which win over the headers) only when the user keeps the ARN out of the headers.
            var mime = _rawMime.ReplaceLineEndings("\r\n");
            return new SendRequest(caller, _api, Region.Current, Time.GetUtcNow(), new RawContent(Encoding.UTF8.GetBytes(mime)))
            {
                SourceArn = _arnsInHeaders ? null : arn,
                FromArn = _arnsInHeaders ? null : arn,
                DryRun = dryRun,
                Explain = true,
            };
        }

        SendContent content = _api == SendApi.V2Simple
            ? new SimpleContent(recipients, Subject: _subject, TextBody: _body) { Headers = CustomHeaders() }
            : new RawContent(Encoding.UTF8.GetBytes(
                $"From: {Source}\r\nTo: {string.Join(", ", recipients)}\r\nSubject: {_subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{_body}\r\n"));
        return new SendRequest(caller, _api, Region.Current, Time.GetUtcNow(), content)
        {
            Source = Source,
            SourceArn = arn,
            FromArn = arn,
            Destinations = _api == SendApi.V2Simple ? null : recipients,
            DryRun = dryRun,
            Explain = true,
        };
    }

    /// <summary>
    /// The custom headers box, one <c>Name: Value</c> per line (blank lines skipped); the pipeline checks names and values
    /// (docs/ses-behaviour.md#custom-headers). A line without a colon is a <see cref="FormatException"/> naming it.
    /// </summary>
    private List<RawHeader> CustomHeaders()
    {
        var headers = new List<RawHeader>();
        var lines = _headers.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new FormatException($"Line {i + 1} of the custom headers has no ':'. Write each header as Name: Value.");
            }

            headers.Add(new RawHeader(lines[i][..colon].Trim(), lines[i][(colon + 1)..].Trim()));
        }

        return headers;
    }

    private async Task SendAsync(bool dryRun)
    {
        _busy = true;
        _error = null;
        try
        {
            var caller = await Sender.CallerAsync(_caller!, sourceIp: null, secureTransport: true);
            _bulk = null;
            _bulkDryRun = dryRun;
            if (TemplateActive)
            {
                _outcome = null;
                _explained = [];
                await SendTemplatedAsync(caller, dryRun);
                return;
            }

            var request = BuildRequest(caller, dryRun);
            _outcome = await Sender.SendAsync(request, dryRun ? "TestSend (dry run)" : "TestSend");
            // The outcome panel says "Accepted · MessageId …" for this send alone (no snackbar: they stacked over the trace).
            _explained = AuthorizationExplanationView.From(_outcome.Authorizations);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            // The pipeline rejects what it understands; anything it could not handle is shown here, never as a page error.
            _outcome = null;
            _explained = [];
            _error = $"The send could not be evaluated: {ex.Message}";
        }
        finally
        {
            _busy = false;
        }
    }
}
