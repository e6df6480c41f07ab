namespace SesConsole.Web.Features.Api;

// The v2 request bodies, member for member as the sesv2 model names them (only the members the console reads or must
// type-check). Bound by SesApiJson: a member of the wrong type is a BadRequestException naming it.

/// <summary>A request with no body members (GET and DELETE operations).</summary>
public sealed record EmptyRequest;

/// <summary>ListEmailIdentities / ListConfigurationSets as a POST body.</summary>
public sealed record ListRequest
{
    public int? PageSize { get; init; }

    public string? NextToken { get; init; }
}

public sealed record CreateEmailIdentityRequest
{
    public string? EmailIdentity { get; init; }

    public DkimSigningAttributesMember? DkimSigningAttributes { get; init; }

    public List<TagMember?>? Tags { get; init; }

    public string? ConfigurationSetName { get; init; }
}

public sealed record DkimSigningAttributesMember
{
    public string? DomainSigningSelector { get; init; }

    public string? DomainSigningPrivateKey { get; init; }

    public string? NextSigningKeyLength { get; init; }

    public string? DomainSigningAttributesOrigin { get; init; }
}

public sealed record TagMember
{
    public string? Key { get; init; }

    public string? Value { get; init; }
}

/// <summary>CreateEmailIdentityPolicy / UpdateEmailIdentityPolicy.</summary>
public sealed record PolicyRequest
{
    public string? Policy { get; init; }
}

public sealed record PutDkimAttributesRequest
{
    public bool? SigningEnabled { get; init; }
}

public sealed record PutMailFromAttributesRequest
{
    public string? MailFromDomain { get; init; }

    public string? BehaviorOnMxFailure { get; init; }
}

public sealed record PutSuppressedDestinationRequest
{
    public string? EmailAddress { get; init; }

    public string? Reason { get; init; }
}

public sealed record CreateConfigurationSetRequest
{
    public string? ConfigurationSetName { get; init; }

    public List<TagMember?>? Tags { get; init; }

    public SendingOptionsMember? SendingOptions { get; init; }
}

public sealed record SendingOptionsMember
{
    public bool? SendingEnabled { get; init; }
}

/// <summary>CreateEmailTemplate (<c>POST /v2/email/templates</c>); tags are accepted and not kept.</summary>
public sealed record CreateEmailTemplateRequest
{
    public string? TemplateName { get; init; }

    public EmailTemplateContentMember? TemplateContent { get; init; }

    public List<TagMember?>? Tags { get; init; }
}

/// <summary>UpdateEmailTemplate (<c>PUT /v2/email/templates/{name}</c>).</summary>
public sealed record UpdateEmailTemplateRequest
{
    public EmailTemplateContentMember? TemplateContent { get; init; }
}

public sealed record EmailTemplateContentMember
{
    public string? Subject { get; init; }

    public string? Text { get; init; }

    public string? Html { get; init; }
}

/// <summary>TestRenderEmailTemplate (<c>POST /v2/email/templates/{name}/render</c>).</summary>
public sealed record TestRenderEmailTemplateRequest
{
    public string? TemplateData { get; init; }
}

/// <summary>SendEmail (<c>POST /v2/email/outbound-emails</c>).</summary>
public sealed record SendEmailRequest
{
    public string? FromEmailAddress { get; init; }

    public string? FromEmailAddressIdentityArn { get; init; }

    public DestinationMember? Destination { get; init; }

    public List<string?>? ReplyToAddresses { get; init; }

    public string? FeedbackForwardingEmailAddress { get; init; }

    public string? FeedbackForwardingEmailAddressIdentityArn { get; init; }

    public EmailContentMember? Content { get; init; }

    public List<MessageTagMember?>? EmailTags { get; init; }

    public string? ConfigurationSetName { get; init; }
}

public sealed record DestinationMember
{
    public List<string?>? ToAddresses { get; init; }

    public List<string?>? CcAddresses { get; init; }

    public List<string?>? BccAddresses { get; init; }
}

public sealed record EmailContentMember
{
    public SimpleContentMember? Simple { get; init; }

    public RawContentMember? Raw { get; init; }

    /// <summary>A stored (<c>TemplateName</c>/<c>TemplateArn</c>) or inline (<c>TemplateContent</c>) template (docs/templates.md#templated-sending).</summary>
    public SendTemplateMember? Template { get; init; }
}

public sealed record SimpleContentMember
{
    public TextMember? Subject { get; init; }

    public BodyMember? Body { get; init; }

    /// <summary>Custom headers added to the message (docs/ses-behaviour.md#custom-headers).</summary>
    public List<MessageHeaderMember?>? Headers { get; init; }
}

/// <summary>One custom header (<c>MessageHeader</c>): its name and value.</summary>
public sealed record MessageHeaderMember
{
    public string? Name { get; init; }

    public string? Value { get; init; }
}

public sealed record BodyMember
{
    public TextMember? Text { get; init; }

    public TextMember? Html { get; init; }
}

public sealed record TextMember
{
    public string? Data { get; init; }

    public string? Charset { get; init; }
}

public sealed record RawContentMember
{
    /// <summary>The MIME message, base64 (the SDKs encode the blob).</summary>
    public string? Data { get; init; }
}

public sealed record MessageTagMember
{
    public string? Name { get; init; }

    public string? Value { get; init; }
}
