using SesConsole.Domain.Authorization;

namespace SesConsole.Domain.Sending;

/// <summary>
/// Who is sending, as the transport established it: the principal (account root, IAM user, role session, or an AWS service
/// acting for <see cref="SourceAccount"/>/<see cref="SourceArn"/>), the source IP, whether TLS was used, the user agent.
/// </summary>
/// <param name="Principal">The authenticated principal; <see cref="RequestPrincipal.ForService"/> for a service.</param>
/// <param name="SourceAccount"><c>aws:SourceAccount</c>: for a service, the account it sends for (required then; it is the sending account).</param>
/// <param name="SourceArn"><c>aws:SourceArn</c>: for a service, the resource it sends for (for example a Cognito user pool).</param>
/// <param name="SourceIp"><c>aws:SourceIp</c>.</param>
/// <param name="SecureTransport"><c>aws:SecureTransport</c>.</param>
/// <param name="UserAgent"><c>aws:UserAgent</c>.</param>
public sealed record SendCaller(
    RequestPrincipal Principal,
    string? SourceAccount = null,
    string? SourceArn = null,
    string? SourceIp = null,
    bool SecureTransport = true,
    string? UserAgent = null)
{
    /// <summary>
    /// The account the send is charged to (quota, rate, sandbox, suppression list, events): the principal's account, or for
    /// a service principal its <see cref="SourceAccount"/>.
    /// </summary>
    public string? SendingAccount => Principal.IsService ? SourceAccount : Principal.Account;

    /// <summary>
    /// The notification's <c>mail.callerIdentity</c>: the IAM user or role name, <c>root</c> for the account, the service name.
    /// </summary>
    public string CallerIdentity => Principal.Kind switch
    {
        Principals.PrincipalKind.Service => Principal.Arn,
        Principals.PrincipalKind.AccountRoot => "root",
        Principals.PrincipalKind.AssumedRole => Principal.RoleArn is { } role ? role[(role.LastIndexOf('/') + 1)..] : Principal.Arn,
        _ => Principal.Arn[(Principal.Arn.LastIndexOf('/') + 1)..],
    };
}

/// <summary>The message part of a send: <see cref="SimpleContent"/> (SendEmail, templates) or <see cref="RawContent"/> (raw MIME, SMTP).</summary>
public abstract record SendContent;

/// <summary>
/// A structured message (v1 SendEmail / SendTemplatedEmail / SendBulkTemplatedEmail, v2 Simple / Template). The From is the
/// request's <see cref="SendRequest.Source"/> (it may carry a display name: <c>Name &lt;addr&gt;</c>).
/// </summary>
/// <remarks>
/// Templates are not rendered here: the web layer renders before the pipeline runs and passes the rendered subject and
/// parts with <see cref="TemplateName"/> and <see cref="TemplateData"/> (docs/templates.md#rendering).
/// </remarks>
public sealed record SimpleContent(
    IReadOnlyList<string> To,
    IReadOnlyList<string>? Cc = null,
    IReadOnlyList<string>? Bcc = null,
    string? Subject = null,
    string? TextBody = null,
    string? HtmlBody = null,
    IReadOnlyList<string>? ReplyTo = null,
    string? TemplateName = null,
    string? TemplateData = null) : SendContent
{
    /// <summary>
    /// Set by the web layer when the template named <see cref="TemplateName"/> could not be rendered for this message (a
    /// variable missing from <see cref="TemplateData"/>, a template that does not parse). The pipeline treats the message
    /// like any other; once accepted it becomes a Rendering Failure event and no mail (docs/templates.md#rendering-failures).
    /// </summary>
    public string? RenderingFailure { get; init; }

    /// <summary>Custom headers added to the message as given, checked by <see cref="MessageHeaderRules"/> (docs/ses-behaviour.md#custom-headers).</summary>
    public IReadOnlyList<RawHeader> Headers { get; init; } = [];
}

/// <summary>A raw RFC 5322 message, parsed in step 2 through <see cref="IMimeParser"/>.</summary>
public sealed record RawContent(ReadOnlyMemory<byte> Mime) : SendContent;

/// <summary>
/// One send attempt, whatever API or SMTP session it came through. Parameter names follow SES v1; the v2 adapter maps
/// <c>FromEmailAddress</c> → <see cref="Source"/>, <c>FromEmailAddressIdentityArn</c> → <see cref="FromArn"/> (which then
/// also stands for <see cref="SourceArn"/>, docs/ses-behaviour.md#arns-in-requests), <c>FeedbackForwardingEmailAddress</c> → <see cref="ReturnPath"/>,
/// <c>FeedbackForwardingEmailAddressIdentityArn</c> → <see cref="ReturnPathArn"/>.
/// </summary>
/// <param name="Caller">Who is sending.</param>
/// <param name="Api">The API variant.</param>
/// <param name="Region">The region of the endpoint called, for example <c>us-east-1</c>.</param>
/// <param name="Time">When the request arrived (from a <see cref="TimeProvider"/>); <c>aws:CurrentTime</c> and quota windows use it.</param>
/// <param name="Content">The message.</param>
public sealed record SendRequest(SendCaller Caller, SendApi Api, string Region, DateTimeOffset Time, SendContent Content)
{
    /// <summary>v1 <c>Source</c> (required for simple sends; optional for raw, then the From header is used). May be <c>Name &lt;addr&gt;</c>.</summary>
    public string? Source { get; init; }

    /// <summary>v1 <c>ReturnPath</c> / v2 <c>FeedbackForwardingEmailAddress</c>: the feedback address (<c>ses:FeedbackAddress</c>).</summary>
    public string? ReturnPath { get; init; }

    /// <summary>v1 <c>SourceArn</c>; wins over <c>X-SES-SOURCE-ARN</c>.</summary>
    public string? SourceArn { get; init; }

    /// <summary>v1 <c>FromArn</c> / v2 <c>FromEmailAddressIdentityArn</c>; wins over <c>X-SES-FROM-ARN</c>.</summary>
    public string? FromArn { get; init; }

    /// <summary>v1 <c>ReturnPathArn</c> / v2 <c>FeedbackForwardingEmailAddressIdentityArn</c>; wins over <c>X-SES-RETURN-PATH-ARN</c>.</summary>
    public string? ReturnPathArn { get; init; }

    /// <summary>Raw sends: v1 <c>Destinations</c> / SMTP <c>RCPT TO</c>; when given they replace the header recipients.</summary>
    public IReadOnlyList<string>? Destinations { get; init; }

    /// <summary>
    /// The configuration set (v1/v2 <c>ConfigurationSetName</c>); wins over <c>X-SES-CONFIGURATION-SET</c>. It must be
    /// one of the sending (delegate) account's own sets in the region (<see cref="Steps.ConfigurationSetStep"/>).
    /// </summary>
    public string? ConfigurationSetName { get; init; }

    /// <summary>Message tags (v1 <c>Tags</c> / v2 <c>EmailTags</c>), carried to events.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>Evaluate every step without reserving quota (the test-send page's "dry run").</summary>
    public bool DryRun { get; init; }

    /// <summary>Also compute the policy engine's statement-by-statement explanation for the trace (slower; for the test-send page).</summary>
    public bool Explain { get; init; }

    /// <summary>
    /// Whether steps add their detail lines under their trace entries on the way to acceptance (each resolved identity, the authorization step's sentence per check, the MAIL FROM and DKIM choices, each recipient's disposition; a rejection's lines are always written). On by
    /// default; the API and SMTP entries turn it off, since nobody reads those lines there: a stored rejection tells its
    /// authorization from <see cref="SendOutcome.Authorizations"/> (docs/send-performance.md#where-the-time-went).
    /// </summary>
    public bool TraceDetails { get; init; } = true;
}
