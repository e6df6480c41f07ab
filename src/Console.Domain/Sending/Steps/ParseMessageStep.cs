using System.Text;

namespace SesConsole.Domain.Sending.Steps;

/// <summary>
/// Step 2: the message's addresses, recipients, size and identity ARNs.
/// <list type="bullet">
/// <item>Raw messages are parsed through <see cref="IMimeParser"/>; Source defaults to the From header.</item>
/// <item>1–50 recipients (Destinations, else To+Cc+Bcc), each 7-bit ASCII with a punycode domain; size ≤ the maximum.</item>
/// <item>A structured message's custom headers pass <see cref="MessageHeaderRules"/> (docs/ses-behaviour.md#custom-headers).</item>
/// <item>ARNs: the parameter wins over the header; the first header of a name wins; FromArn and ReturnPathArn default to
/// SourceArn (docs/ses-behaviour.md#arns-in-requests); a v2 <c>FromEmailAddressIdentityArn</c> also stands for SourceArn (docs/ses-behaviour.md#arns-in-requests).</item>
/// <item><c>ses:FromAddress</c> is the From header's bare address, else Source's; <c>ses:FeedbackAddress</c> is the
/// Return-Path, absent when none (docs/ses-behaviour.md#condition-keys).</item>
/// </list>
/// </summary>
public sealed class ParseMessageStep : ISendStep
{
    public const string SourceArnHeader = "X-SES-SOURCE-ARN";
    public const string FromArnHeader = "X-SES-FROM-ARN";
    public const string ReturnPathArnHeader = "X-SES-RETURN-PATH-ARN";

    /// <summary>Names the configuration set on raw sends and SMTP; the request's <c>ConfigurationSetName</c> wins over it.</summary>
    public const string ConfigurationSetHeader = "X-SES-CONFIGURATION-SET";

    public string Name => "message";

    public ValueTask<StepResult> RunAsync(SendContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Run(context));

    private static StepResult Run(SendContext context)
    {
        var request = context.Request;
        var options = context.Options;
        ParsedRawMessage? raw = null;
        long size;
        IReadOnlyList<string> headerRecipients;
        switch (request.Content)
        {
            case RawContent rawContent:
                var parsed = context.Ports.MimeParser.Parse(rawContent.Mime);
                if (!parsed.TryGetValue(out raw))
                {
                    return StepResult.Reject(new SendError(SendErrorKind.MalformedMessage, parsed.Error!.Message));
                }

                size = Math.Max(raw.SizeBytes, rawContent.Mime.Length);
                headerRecipients = [.. raw.To, .. raw.Cc, .. raw.Bcc];
                break;
            case SimpleContent simple:
                size = Utf8(simple.Subject) + Utf8(simple.TextBody) + Utf8(simple.HtmlBody) + Utf8(simple.TemplateData);
                if (simple.Headers.Count > 0) // most sends have none: no check, no sum
                {
                    if (MessageHeaderRules.Check(simple.Headers) is { } badHeader)
                    {
                        return Invalid(badHeader);
                    }

                    size += simple.Headers.Sum(h => h.Name.Length + h.Value.Length + 4L); // "Name: Value\r\n", ASCII
                }
                headerRecipients = [.. simple.To, .. simple.Cc ?? [], .. simple.Bcc ?? []];
                break;
            default:
                return Invalid("The request has no message.");
        }

        if (size > options.MaxMessageBytes)
        {
            return StepResult.Reject(new SendError(SendErrorKind.MessageTooLarge,
                $"Message length is more than {options.MaxMessageBytes} bytes long: '{size}'."));
        }

        // Source and From.
        MailAddress? source = null;
        if (request.Source is not null)
        {
            var s = MailAddress.Parse(request.Source);
            if (!s.TryGetValue(out source))
            {
                return Invalid(s.Error!.Message);
            }
        }

        MailAddress? from = null;
        if (raw?.FromAddress is not null)
        {
            var f = MailAddress.NormalizeAddress(raw.FromAddress);
            if (!f.TryGetValue(out var fromAddress))
            {
                return Invalid(f.Error!.Message);
            }

            from = new MailAddress(fromAddress, raw.FromDisplayName);
        }

        source ??= from;
        from ??= source;
        if (source is null || from is null)
        {
            return Invalid(raw is null ? "Source is required." : "The message has no From header and the request no Source.");
        }

        // Return-Path (ses:FeedbackAddress).
        string? feedback = null;
        var returnPathText = request.ReturnPath ?? raw?.ReturnPath;
        if (returnPathText is not null)
        {
            var rp = MailAddress.Parse(returnPathText);
            if (!rp.TryGetValue(out var returnPath))
            {
                return Invalid(rp.Error!.Message);
            }

            feedback = returnPath.Address;
        }

        // Recipients.
        var given = request.Destinations ?? headerRecipients;
        if (given.Count == 0)
        {
            return Invalid("Missing required header 'To'. The message needs at least one recipient.");
        }

        if (given.Count > options.MaxRecipients)
        {
            return Invalid($"Recipient count exceeds {options.MaxRecipients}.");
        }

        var recipients = new List<string>(given.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in given)
        {
            var r = MailAddress.Parse(text);
            if (!r.TryGetValue(out var recipient))
            {
                return Invalid(r.Error!.Message);
            }

            if (seen.Add(recipient.Address))
            {
                recipients.Add(recipient.Address);
            }
        }

        // Identity ARNs.
        var headers = raw?.Headers ?? [];
        var useHeaders = request.Api.IsRaw();
        var sourceParam = request.SourceArn ?? (request.Api.IsV2() ? request.FromArn : null);
        var sourceArn = Choose(sourceParam, useHeaders ? FirstHeader(headers, SourceArnHeader) : null, null);
        var fromArn = Choose(request.FromArn, useHeaders && !(request.Api.IsV2() && request.FromArn is not null) ? FirstHeader(headers, FromArnHeader) : null, sourceArn);
        var returnPathArn = Choose(request.ReturnPathArn, useHeaders ? FirstHeader(headers, ReturnPathArnHeader) : null, sourceArn);
        if (options.StrictRawArns && raw is not null && fromArn.Origin == ArnOrigin.DefaultedFromSource &&
            !string.Equals(from.Address, source.Address, StringComparison.Ordinal))
        {
            return Invalid($"The From address {from.Address} differs from Source {source.Address}: FromArn is required (StrictRawArns).");
        }

        var toRemove = headers
            .Where(h => h.Name.StartsWith("X-SES-", StringComparison.OrdinalIgnoreCase))
            .Select(h => h.Name)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();

        // docs/ses-behaviour.md#feedback-channels: SendEmail → ReturnPath, else Source. Raw/SMTP → Source parameter, else Return-Path header, else From.
        var forwarding = raw is null
            ? feedback ?? source.Address
            : request.Source is not null ? source.Address : feedback ?? from.Address;

        var configurationSet = !string.IsNullOrEmpty(request.ConfigurationSetName) ? request.ConfigurationSetName
            : useHeaders ? FirstHeader(headers, ConfigurationSetHeader) is { Length: > 0 } header ? header : null
            : null;
        context.Message = new ParsedMessage(source, from, feedback, forwarding, recipients, sourceArn, fromArn, returnPathArn, toRemove, size)
        {
            ConfigurationSetName = configurationSet,
        };
        return StepResult.Continue(static c => Describe(c.Message!));
    }

    private static string Describe(ParsedMessage m) =>
        $"From {m.From}; Source {m.Source.Address}; Return-Path {m.FeedbackAddress ?? "none"}; {m.Recipients.Count} recipient(s); {m.SizeBytes} bytes; " +
        $"SourceArn {m.SourceArn}; FromArn {m.FromArn}; ReturnPathArn {m.ReturnPathArn}" +
        (m.ConfigurationSetName is null ? "." : $"; configuration set {m.ConfigurationSetName}.");

    private static ArnChoice Choose(string? parameter, string? header, ArnChoice? fallback)
    {
        if (!string.IsNullOrWhiteSpace(parameter))
        {
            return new ArnChoice(parameter.Trim(), ArnOrigin.Parameter);
        }

        if (!string.IsNullOrWhiteSpace(header))
        {
            return new ArnChoice(header.Trim(), ArnOrigin.Header);
        }

        return fallback?.Arn is { } arn ? new ArnChoice(arn, ArnOrigin.DefaultedFromSource) : ArnChoice.Absent;
    }

    private static string? FirstHeader(IReadOnlyList<RawHeader> headers, string name)
    {
        foreach (var header in headers)
        {
            if (string.Equals(header.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    private static long Utf8(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);

    private static StepResult Invalid(string message) => StepResult.Reject(new SendError(SendErrorKind.InvalidParameterValue, message));
}
