using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using SesConsole.Data.Entities;
using SesConsole.Domain.Authentication;
using SesConsole.Web.Features.Api;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Hosting;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace SesConsole.Web.Features.Smtp;

/// <summary>A message submitted over SMTP by an authenticated delegate.</summary>
public sealed record SmtpSubmission(ApiCaller Caller, string EnvelopeFrom, IReadOnlyList<string> Recipients, byte[] Mime, bool SecureTransport, string? SourceIp);

/// <summary>An SMTP reply: code and text, as SES words them (<c>554 Access denied: …</c>).</summary>
public sealed record SmtpReply(int Code, string Text)
{
    public static SmtpReply Ok(string messageId) => new(250, $"Ok {messageId}");
}

/// <summary>Sends an SMTP submission through the send pipeline (as <c>ses:SendRawEmail</c>, <c>ses:ApiVersion</c> "2").</summary>
public interface ISmtpSubmissionHandler
{
    Task<SmtpReply> SubmitAsync(SmtpSubmission submission, CancellationToken cancellationToken);
}

/// <summary>
/// The SMTP submission interface (SmtpServer 11.1.0): STARTTLS and implicit-TLS ports, AUTH PLAIN/LOGIN with SES SMTP
/// credentials (user = access key ID, password derived from its secret for this listener's region), AUTH only after
/// TLS unless configured otherwise, SES's size and recipient limits, and the connection limits of
/// <see cref="SmtpConnectionLimiter"/> and <see cref="SmtpGuardedPipe"/>.
/// </summary>
public sealed class SmtpListener(
    IServiceScopeFactory scopes,
    IOptions<SmtpOptions> options,
    IOptions<ConsoleOptions> consoleOptions,
    DataDirectory dataDirectory,
    TimeProvider time,
    ILogger<SmtpListener> logger) : BackgroundService
{
    private const string CallerKey = "sesconsole:caller";
    private const string RecipientCountKey = "sesconsole:recipients";

    private readonly ConcurrentDictionary<(bool ImplicitTls, int Index), int> _ports = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SmtpConnectionLimiter? _limiter;

    /// <summary>The ports actually bound (they differ from the configuration when it says 0), STARTTLS ones first.</summary>
    public int PortFor(bool implicitTls) => _ports.Where(p => p.Key.ImplicitTls == implicitTls).OrderBy(p => p.Key.Index).Select(p => p.Value).First();

    /// <summary>SMTP connections open now (over all ports).</summary>
    public int OpenConnections => _limiter?.OpenConnections ?? 0;

    /// <summary>Completes when every endpoint listens.</summary>
    public Task Started => _started.Task;

    public string Region => options.Value.Region ?? consoleOptions.Value.EffectiveRegions[0];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            _started.TrySetResult();
            return;
        }

        var certificate = SmtpCertificate.Load(settings, dataDirectory.Path, time);
        var address = IPAddress.Parse(settings.ListenAddress);
        var builder = new SmtpServerOptionsBuilder()
            .ServerName(settings.ServerName)
            .MaxMessageSize(settings.MaxMessageSize)
            .MaxAuthenticationAttempts(settings.MaxAuthenticationAttempts)
            .MaxRetryCount(settings.MaxBadCommands)
            .CommandWaitTimeout(settings.CommandTimeout);
        foreach (var endpoint in settings.EffectiveEndpoints)
        {
            builder.Endpoint(e => e
                .Endpoint(new IPEndPoint(address, endpoint.Port))
                .IsSecure(endpoint.ImplicitTls)
                .Certificate(certificate)
                .SessionTimeout(settings.SessionTimeout)
                .AuthenticationRequired(true)
                .AllowUnsecureAuthentication(settings.AllowAuthWithoutTls));
        }

        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new DelegatingUserAuthenticatorFactory(_ => new Authenticator(this)));
        services.Add(new DelegatingMailboxFilterFactory(_ => new RecipientLimit(settings.MaxRecipients)));
        services.Add(new DelegatingMessageStoreFactory(_ => new Store(this, settings.MaxMessageSize)));
        var listeners = _limiter = new SmtpConnectionLimiter(settings, time, logger);
        var expected = settings.EffectiveEndpoints.Count;
        var bound = 0;
        listeners.EndpointStarted += (_, e) =>
        {
            var port = ((IPEndPoint)e.LocalEndPoint).Port;
            _ports[(e.EndpointDefinition.IsSecure, Interlocked.Increment(ref bound))] = port;
            logger.LogInformation("SMTP listening on {Address}:{Port} ({Mode})", address, port, e.EndpointDefinition.IsSecure ? "implicit TLS" : "STARTTLS");
            if (_ports.Count == expected)
            {
                _started.TrySetResult();
            }
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
            logger.LogError(ex, "The SMTP listener stopped.");
        }
    }

    private async Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var key = await scope.ServiceProvider.GetRequiredService<AccessKeysService>().FindForSigningAsync(user, ct);
        if (key is null || key.Status != AccessKeyStatus.Active || !SmtpCredentials.Matches(password, key.Secret, Region))
        {
            logger.LogInformation("SMTP AUTH refused for {User}", user);
            throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)535, "Authentication Credentials Invalid"));
        }

        await scope.ServiceProvider.GetRequiredService<AccessKeysService>().MarkUsedAsync(key.AccessKeyId, ct);
        context.Properties[CallerKey] = new ApiCaller(key.ToCaller(), key.AccessKeyId, Region);
        return true;
    }

    private async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken ct)
    {
        if (!context.Properties.TryGetValue(CallerKey, out var value) || value is not ApiCaller caller)
        {
            return new SmtpResponse((SmtpReplyCode)530, "Authentication required");
        }

        context.Properties.Remove(RecipientCountKey);
        var remote = context.Properties.TryGetValue("EndpointListener:RemoteEndPoint", out var ep) && ep is IPEndPoint ip ? ip.Address.ToString() : null;
        var submission = new SmtpSubmission(caller, transaction.From.AsAddress(), transaction.To.Select(t => t.AsAddress()).ToList(), buffer.ToArray(),
            context.Pipe?.IsSecure ?? false, remote);
        await using var scope = scopes.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetService<ISmtpSubmissionHandler>();
        if (handler is null)
        {
            return new SmtpResponse((SmtpReplyCode)554, "Transaction failed: sending over SMTP is not configured on this installation");
        }

        var reply = await handler.SubmitAsync(submission, ct);
        return new SmtpResponse((SmtpReplyCode)reply.Code, reply.Text);
    }

    private sealed class Authenticator(SmtpListener listener) : UserAuthenticator
    {
        public override Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken) =>
            listener.AuthenticateAsync(context, user, password, cancellationToken);
    }

    private sealed class Store(SmtpListener listener, int maxMessageSize) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            // SmtpGuardedPipe answers a message well over the limit as it arrives; a small excess is seen here.
            if (buffer.Length > maxMessageSize)
            {
                context.Properties.Remove(RecipientCountKey);
                return Task.FromResult(new SmtpResponse((SmtpReplyCode)552, "Message is too long."));
            }

            return listener.SaveAsync(context, transaction, buffer, cancellationToken);
        }
    }

    /// <summary>SES accepts at most 50 recipients per message.</summary>
    private sealed class RecipientLimit(int max) : MailboxFilter
    {
        public override Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
        {
            context.Properties[RecipientCountKey] = 0;
            return Task.FromResult(true);
        }

        public override Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
        {
            var count = (context.Properties.TryGetValue(RecipientCountKey, out var value) && value is int n ? n : 0) + 1;
            context.Properties[RecipientCountKey] = count;
            if (count > max)
            {
                throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)554, $"Transaction failed: Recipient count exceeds {max}."));
            }

            return Task.FromResult(true);
        }
    }
}
