namespace SesConsole.Web.Features.Api;

/// <summary>v2 <c>Content.Template</c> of SendEmail and <c>DefaultContent.Template</c> of SendBulkEmail (docs/templates.md#templated-sending).</summary>
public sealed record SendTemplateMember
{
    public string? TemplateName { get; init; }

    public string? TemplateArn { get; init; }

    public string? TemplateData { get; init; }

    /// <summary>An inline template: rendered as given, never stored.</summary>
    public SendTemplateContentMember? TemplateContent { get; init; }

    /// <summary>Custom headers added to every message sent with it (docs/ses-behaviour.md#custom-headers).</summary>
    public List<MessageHeaderMember?>? Headers { get; init; }
}

public sealed record SendTemplateContentMember
{
    public string? Subject { get; init; }

    public string? Text { get; init; }

    public string? Html { get; init; }
}

/// <summary>SendBulkEmail (<c>POST /v2/email/outbound-bulk-emails</c>, docs/templates.md#bulk-sending).</summary>
public sealed record SendBulkEmailRequest
{
    public string? FromEmailAddress { get; init; }

    public string? FromEmailAddressIdentityArn { get; init; }

    public List<string?>? ReplyToAddresses { get; init; }

    public string? FeedbackForwardingEmailAddress { get; init; }

    public string? FeedbackForwardingEmailAddressIdentityArn { get; init; }

    public List<MessageTagMember?>? DefaultEmailTags { get; init; }

    public BulkEmailContentMember? DefaultContent { get; init; }

    public List<BulkEmailEntryMember?>? BulkEmailEntries { get; init; }

    public string? ConfigurationSetName { get; init; }
}

public sealed record BulkEmailContentMember
{
    public SendTemplateMember? Template { get; init; }
}

public sealed record BulkEmailEntryMember
{
    public DestinationMember? Destination { get; init; }

    public List<MessageTagMember?>? ReplacementTags { get; init; }

    public ReplacementEmailContentMember? ReplacementEmailContent { get; init; }

    /// <summary>This entry's custom headers: each replaces the template's headers of its name (docs/ses-behaviour.md#custom-headers).</summary>
    public List<MessageHeaderMember?>? ReplacementHeaders { get; init; }
}

public sealed record ReplacementEmailContentMember
{
    public ReplacementTemplateMember? ReplacementTemplate { get; init; }
}

public sealed record ReplacementTemplateMember
{
    public string? ReplacementTemplateData { get; init; }
}
