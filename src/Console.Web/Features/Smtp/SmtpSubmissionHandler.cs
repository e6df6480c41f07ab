using SesConsole.Domain.Sending;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Features.Smtp;

/// <summary>SMTP submissions go through the send pipeline as <c>ses:SendRawEmail</c> with <c>ses:ApiVersion</c> "2".</summary>
public sealed class SmtpSubmissionHandler(SendService sender, TimeProvider time) : ISmtpSubmissionHandler
{
    public async Task<SmtpReply> SubmitAsync(SmtpSubmission submission, CancellationToken cancellationToken)
    {
        var caller = await sender.CallerAsync(submission.Caller.Caller, submission.SourceIp, submission.SecureTransport, cancellationToken);
        var request = new SendRequest(caller, SendApi.Smtp, submission.Caller.Region, time.GetUtcNow(), new RawContent(submission.Mime))
        {
            Source = submission.EnvelopeFrom,
            Destinations = submission.Recipients,
            TraceDetails = false,
        };
        var outcome = await sender.SendAsync(request, "SMTP", cancellationToken);
        if (outcome.Rejection is { } rejection)
        {
            var wire = rejection.Smtp;
            var code = int.Parse(wire.Code, System.Globalization.CultureInfo.InvariantCulture);
            return new SmtpReply(code, wire.Message.StartsWith(wire.Code + " ", StringComparison.Ordinal) ? wire.Message[(wire.Code.Length + 1)..] : wire.Message);
        }

        return SmtpReply.Ok(outcome.MessageId!);
    }
}
