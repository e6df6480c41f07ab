using System.Text;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Principals;

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
    private SendApi _api = SendApi.V2Simple;
    private SendOutcome? _outcome;
    private bool _busy;
    private List<string> _arns = [];

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required SendService Sender { get; init; }

    [Inject] public required IdentitiesService Identities { get; init; }

    [Inject] public required GrantedService Granted { get; init; }

    [Inject] public required RegionContext Region { get; init; }

    [Inject] public required TimeProvider Time { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    protected override async Task OnInitializedAsync()
    {
        _caller = await CurrentCaller.GetAsync();
        var own = (await Identities.ListAsync(_caller!, Region.Current)).Value ?? [];
        var granted = (await Granted.ListAsync(_caller!, Region.Current)).Value ?? [];
        _arns = [.. own.Where(i => i.Status == Domain.Identities.VerificationStatus.Success).Select(i => i.Arn), .. granted.Select(g => g.IdentityArn)];
        _arns = _arns.Distinct(StringComparer.Ordinal).ToList();
    }

    private Task<IEnumerable<string>> SearchIdentitiesAsync(string? text, CancellationToken ct) =>
        Task.FromResult(_arns.Where(a => string.IsNullOrEmpty(text) || a.Contains(text, StringComparison.OrdinalIgnoreCase)));

    private void AddRecipient(string address) =>
        _to = string.IsNullOrWhiteSpace(_to) ? address : $"{_to.TrimEnd(',', ' ')}, {address}";

    private async Task SendAsync(bool dryRun)
    {
        _busy = true;
        try
        {
            var caller = await Sender.CallerAsync(_caller!, sourceIp: null, secureTransport: true);
            var recipients = _to.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var source = string.IsNullOrWhiteSpace(_displayName) ? _from.Trim() : $"{_displayName.Trim()} <{_from.Trim()}>";
            SendContent content = _api == SendApi.V2Simple
                ? new SimpleContent(recipients, Subject: _subject, TextBody: _body)
                : new RawContent(Encoding.UTF8.GetBytes(
                    $"From: {source}\r\nTo: {string.Join(", ", recipients)}\r\nSubject: {_subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{_body}\r\n"));
            var arn = string.IsNullOrWhiteSpace(_identityArn) ? null : _identityArn.Trim();
            var request = new SendRequest(caller, _api, Region.Current, Time.GetUtcNow(), content)
            {
                Source = source,
                SourceArn = arn,
                FromArn = arn,
                Destinations = _api == SendApi.V2Simple ? null : recipients,
                DryRun = dryRun,
            };
            _outcome = await Sender.SendAsync(request, dryRun ? "TestSend (dry run)" : "TestSend");
            if (_outcome.IsAccepted && !dryRun)
            {
                Snackbar.Add($"Accepted {_outcome.MessageId}.", Severity.Success);
            }
        }
        finally
        {
            _busy = false;
        }
    }
}
