using System.Buffers;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Sending.Steps;
using SesConsole.Web.Features.Smtp;
using SesConsole.Web.Sending;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace SesConsole.Web.Reputation.Inbound;

/// <summary>
/// The inbound feedback SMTP listener (docs/reputation.md#inbound-feedback): where the bounce domain's MX points. No AUTH
/// and no TLS; every recipient must be a return address this installation issued (a valid tag, a message that exists,
/// and exactly the envelope sender that message was sent with, so in its domain; once the message's outbox row is gone,
/// the domain its attempt records) or it is refused at RCPT TO with
/// <c>550 5.1.1</c>. Its own limits (size, recipients, connections, commands, timeouts) go through the submission
/// listener's <see cref="SmtpConnectionLimiter"/> and <see cref="SmtpGuardedPipe"/>. A report that cannot be read is
/// kept as such; nothing a client sends stops the listener.
/// </summary>
public sealed class InboundFeedbackListener(
    IOptions<FeedbackOptions> options,
    ReturnAddresses returnAddresses,
    IDbContextFactory<ConsoleDbContext> dbFactory,
    InboundFeedbackRecorder recorder,
    IOptions<SendPipelineOptions> pipeline,
    TimeProvider time,
    ILogger<InboundFeedbackListener> logger) : BackgroundService
{
    private const string AcceptedKey = "sesconsole:feedback-recipients";

    private readonly ILogger _logger = logger;
    private readonly TaskCompletionSource<int> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SmtpConnectionLimiter? _limiter;

    /// <summary>Completes with the bound port (which differs from the setting when it says 0) once the listener listens; with 0 when it is off.</summary>
    public Task<int> Started => _started.Task;

    /// <summary>Connections open now.</summary>
    public int OpenConnections => _limiter?.OpenConnections ?? 0;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Inbound;
        if (!settings.Enabled)
        {
            _started.TrySetResult(0);
            return;
        }

        var limits = new SmtpOptions
        {
            ListenAddress = settings.ListenAddress, MaxMessageSize = settings.MaxMessageSize, MaxRecipients = settings.MaxRecipients,
            MaxConnections = settings.MaxConnections, MaxCommandsPerConnection = settings.MaxCommandsPerConnection, MaxBadCommands = settings.MaxBadCommands,
            CommandTimeout = settings.CommandTimeout, DataTimeout = settings.DataTimeout, SessionTimeout = settings.SessionTimeout, ServerName = settings.ServerName,
        };
        var address = IPAddress.Parse(settings.ListenAddress);
        var builder = new SmtpServerOptionsBuilder()
            .ServerName(settings.ServerName)
            .MaxMessageSize(settings.MaxMessageSize)
            .MaxRetryCount(settings.MaxBadCommands)
            .CommandWaitTimeout(settings.CommandTimeout)
            .Endpoint(e => e.Endpoint(new IPEndPoint(address, settings.Port)).SessionTimeout(settings.SessionTimeout).AuthenticationRequired(false));
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new DelegatingMailboxFilterFactory(_ => new ReturnAddressFilter(this, settings.MaxRecipients)));
        services.Add(new DelegatingMessageStoreFactory(_ => new Store(this, settings.MaxMessageSize)));
        var listeners = _limiter = new SmtpConnectionLimiter(limits, time, logger);
        listeners.EndpointStarted += (_, e) =>
        {
            var port = ((IPEndPoint)e.LocalEndPoint).Port;
            logger.LogInformation("Inbound feedback SMTP listening on {Address}:{Port}", address, port);
            _started.TrySetResult(port);
        };
        services.Add(listeners);
        var server = new SmtpServer.SmtpServer(builder.Build(), services);
        try
        {
            await server.StartAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            _started.TrySetException(ex);
            logger.LogError(ex, "The inbound feedback SMTP listener stopped.");
        }
    }

    /// <summary>The message ID of <paramref name="address"/> when it is one of this installation's return addresses for a message it still knows; null otherwise.</summary>
    public async Task<string?> MessageOfAsync(string address, CancellationToken ct)
    {
        if (await returnAddresses.VerifyAsync(address, ct) is not { } messageId)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var envelope = await db.OutboxMessages.AsNoTracking().Where(m => m.MessageId == messageId).Select(m => m.EnvelopeFrom).FirstOrDefaultAsync(ct);
        if (envelope is not null)
        {
            return envelope.Equals(address, StringComparison.OrdinalIgnoreCase) ? messageId : null;
        }

        // The outbox row went with the message's body (docs/storage-and-retention.md#outbox-rows): the tag says the
        // local part is ours, the accepted attempt that the message is still known and in which domain it was sent.
        return await MessageMailReader.AcceptedAttemptAsync(db, messageId, ct) is { } attempt
            && address[(address.LastIndexOf('@') + 1)..].Equals(BounceDomainOf(attempt), StringComparison.OrdinalIgnoreCase) ? messageId : null;
    }

    /// <summary>The domain of the return address <paramref name="attempt"/>'s message was sent with (AcceptStep's MAIL FROM plan).</summary>
    private string? BounceDomainOf(SendAttemptEntity attempt) =>
        attempt.MailFromDomain
        ?? (IdentityArn.Parse(attempt.IdentityArn) is { IsSuccess: true, Value: var arn }
            ? AcceptStep.BounceDomain(returnAddresses.ReturnPathDomain, arn.Region, pipeline.Value.DefaultMailFromDomain)
            : null);

    private async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken ct)
    {
        var accepted = context.Properties.TryGetValue(AcceptedKey, out var value) && value is List<(string Address, string MessageId)> list ? list : [];
        context.Properties.Remove(AcceptedKey);
        var remote = context.Properties.TryGetValue(EndpointListener.RemoteEndPointKey, out var ep) && ep is IPEndPoint ip ? ip.Address.ToString() : null;
        var from = transaction.From is { } sender && !(string.IsNullOrEmpty(sender.User) && string.IsNullOrEmpty(sender.Host)) ? sender.AsAddress() : ""; // "" for a DSN's null sender <>
        var mime = buffer.ToArray();
        try
        {
            foreach (var (address, messageId) in accepted)
            {
                await recorder.RecordAsync(new InboundReport(from, address, messageId, remote, mime), ct);
            }

            return new SmtpResponse(SmtpReplyCode.Ok, "2.0.0 Ok: feedback received");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Recording inbound feedback from {Remote} for {Recipients} failed", remote, string.Join(", ", accepted.Select(a => a.Address)));
            return new SmtpResponse((SmtpReplyCode)451, "4.3.0 Could not record the report, try again later");
        }
    }

    private sealed class Store(InboundFeedbackListener listener, int maxMessageSize) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            // SmtpGuardedPipe answers a message well over the limit as it arrives; a small excess is seen here.
            if (buffer.Length > maxMessageSize)
            {
                context.Properties.Remove(AcceptedKey);
                return Task.FromResult(new SmtpResponse((SmtpReplyCode)552, "5.3.4 Message is too long."));
            }

            return listener.SaveAsync(context, transaction, buffer, cancellationToken);
        }
    }

    /// <summary>RCPT TO: a return address of a known message, at most <c>max</c> per message.</summary>
    private sealed class ReturnAddressFilter(InboundFeedbackListener listener, int max) : MailboxFilter
    {
        public override Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
        {
            context.Properties[AcceptedKey] = new List<(string Address, string MessageId)>();
            return Task.FromResult(true);
        }

        public override async Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
        {
            if (!context.Properties.TryGetValue(AcceptedKey, out var value) || value is not List<(string Address, string MessageId)> accepted)
            {
                context.Properties[AcceptedKey] = accepted = [];
            }

            if (accepted.Count >= max)
            {
                throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)452, $"4.5.3 Too many recipients (at most {max} per message)"));
            }

            var address = to.AsAddress();
            string? messageId;
            try
            {
                messageId = await listener.MessageOfAsync(address, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                listener._logger.LogError(ex, "Checking the return address {Address} failed", address);
                throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)451, "4.3.0 Temporary failure, try again later"));
            }

            if (messageId is null)
            {
                listener._logger.LogInformation("Inbound feedback for {Address} refused: not a return address of this installation", address);
                throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)550, "5.1.1 Unknown return address"));
            }

            accepted.Add((address, messageId));
            return true;
        }
    }
}
