namespace SesConsole.Domain.Authorization;

/// <summary>
/// The condition-key values of one request. Null means the key is absent (so positive operators are false on it,
/// negated ones true, docs/ses-behaviour.md#condition-operators). Time comes from here, never from a clock: the caller sets <see cref="CurrentTime"/> from its
/// <see cref="TimeProvider"/>; <c>aws:EpochTime</c> is derived from it.
/// </summary>
/// <remarks>
/// The <c>aws:Principal*</c> keys default to the request principal's values; set them here only to override.
/// </remarks>
public sealed record RequestContext
{
    /// <summary><c>ses:FromAddress</c>: the bare From address (docs/ses-behaviour.md#condition-keys).</summary>
    public string? FromAddress { get; init; }

    /// <summary><c>ses:FromDisplayName</c>.</summary>
    public string? FromDisplayName { get; init; }

    /// <summary><c>ses:Recipients</c>: every To, CC and BCC address (multi-valued; empty means an empty set).</summary>
    public IReadOnlyList<string>? Recipients { get; init; }

    /// <summary><c>ses:FeedbackAddress</c>: the Return-Path; absent when none is given (docs/ses-behaviour.md#condition-keys).</summary>
    public string? FeedbackAddress { get; init; }

    /// <summary><c>ses:ApiVersion</c>: "1" or "2" (SMTP counts as "2").</summary>
    public string? ApiVersion { get; init; }

    /// <summary><c>aws:CurrentTime</c> (and <c>aws:EpochTime</c>). Always present in AWS; absent here only if unset.</summary>
    public DateTimeOffset? CurrentTime { get; init; }

    /// <summary><c>aws:SecureTransport</c>.</summary>
    public bool? SecureTransport { get; init; }

    /// <summary><c>aws:SourceIp</c>, an IPv4 or IPv6 address.</summary>
    public string? SourceIp { get; init; }

    /// <summary><c>aws:UserAgent</c>.</summary>
    public string? UserAgent { get; init; }

    /// <summary><c>aws:SourceAccount</c>: present when a service calls on behalf of a resource.</summary>
    public string? SourceAccount { get; init; }

    /// <summary><c>aws:SourceArn</c>: present when a service calls on behalf of a resource.</summary>
    public string? SourceArn { get; init; }

    /// <summary>Overrides <c>aws:PrincipalOrgID</c> (defaults to the principal's organization).</summary>
    public string? PrincipalOrgId { get; init; }

    /// <summary>Overrides <c>aws:PrincipalAccount</c> (defaults to the principal's account).</summary>
    public string? PrincipalAccount { get; init; }

    /// <summary>Overrides <c>aws:PrincipalArn</c> (defaults to the principal ARN; the role ARN for an assumed role).</summary>
    public string? PrincipalArn { get; init; }

    /// <summary>Overrides <c>aws:PrincipalType</c>.</summary>
    public string? PrincipalType { get; init; }

    /// <summary><c>sts:ExternalId</c>: the <c>ExternalId</c> an AssumeRole request gave; absent otherwise.</summary>
    public string? ExternalId { get; init; }

    /// <summary><c>sts:RoleSessionName</c>: the session name an AssumeRole request asked for; absent otherwise.</summary>
    public string? RoleSessionName { get; init; }

    /// <summary>
    /// <c>aws:SourceOwner</c>, SNS's older form of <c>aws:SourceAccount</c>: for a direct SNS call the caller's account,
    /// for a service publishing on behalf of a resource that resource's account (docs/notifications.md#topic-policies).
    /// </summary>
    public string? SourceOwner { get; init; }

    /// <summary><c>sns:Protocol</c>: the protocol a Subscribe request asks for (<c>https</c>, <c>email</c> …).</summary>
    public string? SnsProtocol { get; init; }

    /// <summary><c>sns:Endpoint</c>: the endpoint a Subscribe request names.</summary>
    public string? SnsEndpoint { get; init; }

    /// <summary>An empty context (every key absent).</summary>
    public static RequestContext Empty { get; } = new();
}
