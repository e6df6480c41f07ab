using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using MimeKit.Text;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Mail;

/// <summary>
/// The Mailbox: messages caught by the local sink. An admin sees every message; an account member (root or IAM user)
/// sees only its account's messages, so another account's message is never found, whatever id is asked for.
/// </summary>
public sealed partial class MailboxService(IDbContextFactory<ConsoleDbContext> dbFactory)
{
    public const int MaxPageSize = 200;

    internal static readonly Error AccountRequired = new("auth.account_required", "Only account members and admins have a Mailbox.");

    public async Task<Result<MailboxListing>> ListAsync(Caller caller, MailboxQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        if (!CanRead(caller))
        {
            return AccountRequired;
        }

        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var page = Math.Max(query.Page, 0);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var messages = Visible(db, caller);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            // EF translates ToLower() to SQL lower() on both providers, so the match is case-insensitive whatever the
            // collation; the culture-aware overloads the analyzers ask for have no SQL translation.
            var term = query.Search.Trim().ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862
            messages = messages.Where(m => m.Recipients.ToLower().Contains(term) || m.Subject.ToLower().Contains(term));
#pragma warning restore CA1304, CA1311, CA1862
        }

        var total = await messages.CountAsync(ct);
        var items = await messages
            .OrderByDescending(m => m.ReceivedAt)
            .ThenByDescending(m => m.Id)
            .Skip(page * pageSize)
            .Take(pageSize)
            .Select(m => new MailboxRow(m.Id, m.AccountId, m.ReceivedAt, m.EnvelopeFrom, m.Recipients, m.Subject, m.Mime.Length))
            .ToListAsync(ct);
        return new MailboxListing(items, total, page, pageSize);
    }

    public async Task<Result<MailboxMessageView>> GetAsync(Caller caller, Guid id, CancellationToken ct = default)
    {
        var found = await FindAsync(caller, id, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var entity = found.Value;
        var summary = new MailboxRow(entity.Id, entity.AccountId, entity.ReceivedAt, entity.EnvelopeFrom, entity.Recipients, entity.Subject, entity.Mime.Length);
        MimeMessage mime;
        try
        {
            using var stream = new MemoryStream(entity.Mime, writable: false);
            mime = await MimeMessage.LoadAsync(stream, ct);
        }
        catch (FormatException)
        {
            // Shown as headers-less raw text rather than failing: the download still has the exact bytes.
            return new MailboxMessageView(summary, entity.MessageId, [], Encoding.UTF8.GetString(entity.Mime), null, [], []);
        }

        var html = mime.HtmlBody;
        var text = mime.TextBody;
        return new MailboxMessageView(
            summary,
            entity.MessageId,
            mime.Headers.Select(h => new MailHeader(h.Field, h.Value)).ToList(),
            text,
            html,
            mime.Attachments.Select(a => new MailAttachment(
                (a as MimePart)?.FileName ?? a.ContentDisposition?.FileName ?? a.ContentType.Name ?? "(unnamed)",
                a.ContentType.MimeType)).ToList(),
            ExtractLinks(html, text));
    }

    public async Task<Result<MailboxRaw>> GetRawAsync(Caller caller, Guid id, CancellationToken ct = default)
    {
        var found = await FindAsync(caller, id, ct);
        return found.Map(m => new MailboxRaw(m.Mime, $"{m.Id:N}.eml"));
    }

    public async Task<Result> DeleteAsync(Caller caller, Guid id, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!CanRead(caller))
        {
            return AccountRequired;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var deleted = await Visible(db, caller).Where(m => m.Id == id).ExecuteDeleteAsync(ct);
        return deleted == 0 ? NotFound(id) : Result.Success();
    }

    /// <summary>Deletes every message the caller can see (an admin: all of them) and returns how many.</summary>
    public async Task<Result<int>> DeleteAllAsync(Caller caller, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!CanRead(caller))
        {
            return AccountRequired;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Visible(db, caller).ExecuteDeleteAsync(ct);
    }

    /// <summary>
    /// The links a person (or a test) can follow: <c>&lt;a href&gt;</c> targets of the HTML body with their text, then
    /// URLs of the text body; http and https only, each once, in order of appearance.
    /// </summary>
    public static IReadOnlyList<MailLink> ExtractLinks(string? html, string? text)
    {
        var links = new List<MailLink>();
        if (!string.IsNullOrEmpty(html))
        {
            var tokenizer = new HtmlTokenizer(new StringReader(html));
            string? href = null;
            var anchorText = new StringBuilder();
            while (tokenizer.ReadNextToken(out var token))
            {
                switch (token)
                {
                    case HtmlTagToken { Id: HtmlTagId.A, IsEndTag: false } open:
                        href = open.Attributes.FirstOrDefault(a => a.Id == HtmlAttributeId.Href)?.Value;
                        anchorText.Clear();
                        break;
                    case HtmlTagToken { Id: HtmlTagId.A, IsEndTag: true }:
                        Add(links, href, anchorText.ToString());
                        href = null;
                        break;
                    case HtmlDataToken data when href is not null:
                        anchorText.Append(data.Data);
                        break;
                }
            }

            Add(links, href, anchorText.ToString());
        }

        if (!string.IsNullOrEmpty(text))
        {
            foreach (Match match in UrlInText().Matches(text))
            {
                Add(links, match.Value.TrimEnd('.', ',', ';', ':', ')', ']', '!', '?', '\'', '"'), null);
            }
        }

        return links;
    }

    private static void Add(List<MailLink> links, string? url, string? text)
    {
        if (url is null || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return;
        }

        var value = uri.OriginalString;
        if (links.Exists(l => l.Url == value))
        {
            return;
        }

        var label = string.Join(' ', (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        links.Add(new MailLink(value, label.Length == 0 ? value : label));
    }

    private async Task<Result<MailboxMessageEntity>> FindAsync(Caller caller, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!CanRead(caller))
        {
            return AccountRequired;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entity = await Visible(db, caller).SingleOrDefaultAsync(m => m.Id == id, ct);
        return entity is null ? NotFound(id) : entity;
    }

    private static bool CanRead(Caller caller) => caller.IsAdmin || caller.HasAccount;

    private static IQueryable<MailboxMessageEntity> Visible(ConsoleDbContext db, Caller caller)
    {
        var messages = db.MailboxMessages.AsNoTracking();
        return caller.IsAdmin ? messages : messages.Where(m => m.AccountId == caller.AccountId);
    }

    private static Error NotFound(Guid id) => new("mailbox.not_found", $"Message {id} was not found in your Mailbox.");

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlInText();
}
