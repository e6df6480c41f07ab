namespace SesConsole.Web.Features.Mail;

/// <summary>What the Mailbox list asks for: a search over recipients and subject, and a page (0-based).</summary>
public sealed record MailboxQuery(string? Search = null, int Page = 0, int PageSize = 25);

/// <summary>One page of the Mailbox, newest first, with the number of matching messages.</summary>
public sealed record MailboxListing(IReadOnlyList<MailboxRow> Items, int Total, int Page, int PageSize);

public sealed record MailboxRow(Guid Id, string? AccountId, DateTimeOffset ReceivedAt, string From, string To, string Subject, int Size);

public sealed record MailHeader(string Name, string Value);

public sealed record MailAttachment(string FileName, string ContentType);

/// <summary>A link found in the message (an <c>&lt;a href&gt;</c> of the HTML body, or a URL in the text body).</summary>
public sealed record MailLink(string Url, string Text);

/// <summary>One message as the detail view shows it.</summary>
public sealed record MailboxMessageView(
    MailboxRow Summary,
    string MessageId,
    IReadOnlyList<MailHeader> Headers,
    string? TextBody,
    string? HtmlBody,
    IReadOnlyList<MailAttachment> Attachments,
    IReadOnlyList<MailLink> Links);

/// <summary>The message as it was sent, for download.</summary>
public sealed record MailboxRaw(byte[] Mime, string FileName);
