using System.Text.Json;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using SesConsole.Domain.Notifications;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Sns;

/// <summary>One topic of the account: attributes, access policy, subscriptions, a test publish and the delivery log.</summary>
public sealed partial class TopicPage
{
    private const int LogSize = 50;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private Caller? _caller;
    private bool _loading = true;
    private IReadOnlyList<KeyValuePair<string, string>>? _attributes;
    private IReadOnlyList<SnsSubscriptionRow>? _subscriptions;
    private IReadOnlyList<SnsAttemptRow>? _attempts;
    private List<BreadcrumbItem> _crumbs = [];
    private string _displayName = "";
    private string _policy = "";
    private string? _policyError;
    private string _protocol = "https";
    private string _endpoint = "";
    private string? _subscribeError;
    private string? _subject;
    private string _message = "";

    [Parameter] public string Name { get; set; } = "";

    [Inject] public required CurrentCaller CurrentCaller { get; init; }

    [Inject] public required SnsService Sns { get; init; }

    [Inject] public required RegionContext Region { get; init; }

    [Inject] public required IDialogService Dialogs { get; init; }

    [Inject] public required ISnackbar Snackbar { get; init; }

    private SnsCaller Me => SnsCaller.ForConsole(_caller!, Region.Current);

    private string Arn => $"arn:aws:sns:{Region.Current}:{_caller!.AccountId}:{Name}";

    protected override async Task OnParametersSetAsync()
    {
        _caller ??= await CurrentCaller.GetAsync();
        _crumbs = [new BreadcrumbItem("Topics", "/topics"), new BreadcrumbItem(Name, null, disabled: true)];
        await LoadAsync();
        _loading = false;
    }

    private async Task LoadAsync()
    {
        // Only the account's own topics: another account's ARN is never built here.
        if (!TopicArn.IsValidName(Name))
        {
            _attributes = null;
            return;
        }

        var attributes = await Sns.GetTopicAttributesAsync(Me, Arn, CancellationToken.None);
        _attributes = attributes.Value;
        if (_attributes is null)
        {
            return;
        }

        _displayName = _attributes.FirstOrDefault(a => a.Key == "DisplayName").Value ?? "";
        _policy = Pretty(_attributes.FirstOrDefault(a => a.Key == "Policy").Value ?? "");
        _subscriptions = (await Sns.ListSubscriptionsByTopicAsync(Me, Arn, null, CancellationToken.None)).Value?.Items ?? [];
        _attempts = (await Sns.RecentAttemptsAsync(Me, Arn, LogSize, CancellationToken.None)).Value ?? [];
    }

    private async Task SaveDisplayNameAsync()
    {
        var saved = await Sns.SetTopicAttributesAsync(Me, Arn, "DisplayName", _displayName.Trim(), CancellationToken.None);
        Snackbar.Add(saved.IsSuccess ? "Display name saved." : saved.Error.Message, saved.IsSuccess ? Severity.Success : Severity.Error);
        await LoadAsync();
    }

    private async Task SavePolicyAsync()
    {
        var saved = await Sns.SetTopicAttributesAsync(Me, Arn, "Policy", _policy, CancellationToken.None);
        _policyError = saved.Error?.Message;
        if (saved.IsSuccess)
        {
            Snackbar.Add("Policy saved.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task ResetPolicyAsync()
    {
        if (!await ConfirmDialog.AskAsync(Dialogs, "Go back to the default policy?",
                "Only your account will be able to publish and subscribe; other accounts and SES publishing for other accounts' identities lose access.", "Reset"))
        {
            return;
        }

        var saved = await Sns.SetTopicAttributesAsync(Me, Arn, "Policy", "", CancellationToken.None);
        _policyError = saved.Error?.Message;
        Snackbar.Add(saved.IsSuccess ? "The topic uses the default policy." : saved.Error.Message, saved.IsSuccess ? Severity.Success : Severity.Error);
        await LoadAsync();
    }

    private async Task SubscribeAsync()
    {
        var subscribed = await Sns.SubscribeAsync(Me, Arn, _protocol, _endpoint.Trim(), new Dictionary<string, string>(), false, CancellationToken.None);
        _subscribeError = subscribed.Error?.Message;
        if (subscribed.IsSuccess)
        {
            Snackbar.Add($"{_endpoint.Trim()} was sent a confirmation; the subscription is pending until it is confirmed.", Severity.Success);
            _endpoint = "";
            await LoadAsync();
        }
    }

    private async Task UnsubscribeAsync(SnsSubscriptionRow row)
    {
        if (!await ConfirmDialog.AskAsync(Dialogs, $"Unsubscribe {row.Endpoint}?", "It stops receiving this topic's messages and is sent an UnsubscribeConfirmation.", "Unsubscribe"))
        {
            return;
        }

        var done = await Sns.UnsubscribeAsync(Me, row.Arn, CancellationToken.None);
        Snackbar.Add(done.IsSuccess ? $"{row.Endpoint} unsubscribed." : done.Error.Message, done.IsSuccess ? Severity.Success : Severity.Error);
        await LoadAsync();
    }

    private async Task PublishAsync()
    {
        var published = await Sns.PublishAsync(Me, Arn, _message, string.IsNullOrWhiteSpace(_subject) ? null : _subject, null, CancellationToken.None);
        Snackbar.Add(published.IsSuccess ? $"Published message {published.Value}." : published.Error.Message, published.IsSuccess ? Severity.Success : Severity.Error);
        if (published.IsSuccess)
        {
            _message = "";
        }
    }

    private static string Pretty(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
