using System.Text;

namespace SesConsole.Web.Tests.Reputation.Inbound;

/// <summary>
/// Inbound feedback as real MTAs and mailbox providers write it: a Postfix bounce (RFC 3464 with the original's headers
/// as text/rfc822-headers), an Exim bounce (with the whole original as message/rfc822), a Postfix delay notice, an ARF
/// abuse report in the style of the large mailbox providers (RFC 5965), vacation replies (RFC 3834) and garbage.
/// </summary>
public static class FeedbackMime
{
    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"));

    /// <summary>A Postfix "Undelivered Mail Returned to Sender" for one recipient.</summary>
    public static string Postfix(string returnAddress, string messageId, string recipient, string status = "5.1.1",
        string diagnostic = "smtp; 550 5.1.1 <{0}>: Recipient address rejected: User unknown in local recipient table", string action = "failed") => $"""
        Return-Path: <>
        Received: by mx.example.net (Postfix) id 4QxYz1; Wed,  2 Dec 2026 10:00:05 +0000 (UTC)
        Date: Wed,  2 Dec 2026 10:00:05 +0000 (UTC)
        From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
        Subject: Undelivered Mail Returned to Sender
        To: {returnAddress}
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status;
        	boundary="4QxYz1.1733133605/mx.example.net"
        Content-Transfer-Encoding: 8bit
        Message-Id: <20261202100005.4QxYz1@mx.example.net>

        This is a MIME-encapsulated message.

        --4QxYz1.1733133605/mx.example.net
        Content-Description: Notification
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: 8bit

        This is the mail system at host mx.example.net.

        I'm sorry to have to inform you that your message could not
        be delivered to one or more recipients.

        <{recipient}>: host mail.example.net[192.0.2.25] said: 550 5.1.1 User unknown

        --4QxYz1.1733133605/mx.example.net
        Content-Description: Delivery report
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net
        X-Postfix-Queue-ID: 4QxYz1
        X-Postfix-Sender: rfc822; {returnAddress}
        Arrival-Date: Wed,  2 Dec 2026 10:00:04 +0000 (UTC)

        Final-Recipient: rfc822; {recipient}
        Original-Recipient: rfc822;{recipient}
        Action: {action}
        Status: {status}
        Remote-MTA: dns; mail.example.net [192.0.2.25]
        Diagnostic-Code: {string.Format(System.Globalization.CultureInfo.InvariantCulture, diagnostic, recipient)}

        --4QxYz1.1733133605/mx.example.net
        Content-Description: Undelivered Message Headers
        Content-Type: text/rfc822-headers

        Return-Path: <{returnAddress}>
        From: news@example.com
        To: {recipient}
        Subject: Hello
        Message-ID: <{messageId}@us-east-1.amazonses.com>
        Date: Wed, 2 Dec 2026 10:00:00 +0000

        --4QxYz1.1733133605/mx.example.net--
        """;

    /// <summary>An Exim bounce whose diagnostic says the mailbox is full (the status code alone says 5.0.0).</summary>
    public static string EximMailboxFull(string returnAddress, string messageId, string recipient) => $"""
        Return-path: <>
        Received: from Debian-exim by exim.example.org with local (Exim 4.96) id 1tA2b3-000Abc-9Z for {returnAddress}; Wed, 02 Dec 2026 10:01:00 +0000
        X-Failed-Recipients: {recipient}
        Auto-Submitted: auto-replied
        From: Mail Delivery System <Mailer-Daemon@exim.example.org>
        To: {returnAddress}
        Content-Type: multipart/report; report-type=delivery-status; boundary=1733133660-eximdsn-1804289383
        MIME-Version: 1.0
        Subject: Mail delivery failed: returning message to sender
        Message-Id: <E1tA2b3-000Abc-9Z@exim.example.org>
        Date: Wed, 02 Dec 2026 10:01:00 +0000

        --1733133660-eximdsn-1804289383
        Content-type: text/plain; charset=us-ascii

        This message was created automatically by mail delivery software.

        A message that you sent could not be delivered to one or more of its
        recipients. This is a permanent error. The following address(es) failed:

          {recipient}
            host mx.example.org [198.51.100.7]
            SMTP error from remote mail server after RCPT TO:<{recipient}>:
            552 Mailbox full

        --1733133660-eximdsn-1804289383
        Content-type: message/delivery-status

        Reporting-MTA: dns; exim.example.org

        Action: failed
        Final-Recipient: rfc822;{recipient}
        Status: 5.0.0
        Remote-MTA: dns; mx.example.org
        Diagnostic-Code: smtp; 552 Mailbox full

        --1733133660-eximdsn-1804289383
        Content-type: message/rfc822

        Return-path: <{returnAddress}>
        From: news@example.com
        To: {recipient}
        Subject: Hello
        Message-ID: <{messageId}@us-east-1.amazonses.com>
        Date: Wed, 2 Dec 2026 10:00:00 +0000

        Hello
        --1733133660-eximdsn-1804289383--
        """;

    /// <summary>A Postfix "Delayed Mail (still being retried)" notice.</summary>
    public static string PostfixDelay(string returnAddress, string messageId, string recipient) =>
        Postfix(returnAddress, messageId, recipient, "4.4.1", "smtp; 421 4.4.1 Connection timed out", "delayed")
            .Replace("Subject: Undelivered Mail Returned to Sender", "Subject: Delayed Mail (still being retried)", StringComparison.Ordinal);

    /// <summary>An ARF abuse report as large mailbox providers send it, with the whole original attached.</summary>
    public static string Arf(string returnAddress, string originalMessageId, string? originalRecipient, string feedbackType = "abuse") => $"""
        From: Feedback Loop <feedbackloop@fbl.mail.example>
        To: {returnAddress}
        Subject: Email Feedback Report for IP 192.0.2.10
        Date: Wed, 02 Dec 2026 11:00:00 +0000
        Message-ID: <fbl-1733137200-42@fbl.mail.example>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report; boundary="----=_Part_240060962_1083385345.1733137200000"

        ------=_Part_240060962_1083385345.1733137200000
        Content-Type: text/plain; charset="us-ascii"
        Content-Transfer-Encoding: 7bit

        This is an email abuse report for an email message received from IP 192.0.2.10 on Wed, 02 Dec 2026 10:00:02 +0000.
        For more information about this format please see http://www.mipassoc.org/arf/.

        ------=_Part_240060962_1083385345.1733137200000
        Content-Type: message/feedback-report

        Feedback-Type: {feedbackType}
        User-Agent: Mail.Example-FBL/1.0
        Version: 1
        Original-Mail-From: <{returnAddress}>
        {(originalRecipient is null ? "Incidents: 1" : $"Original-Rcpt-To: <{originalRecipient}>")}
        Arrival-Date: Wed, 02 Dec 2026 10:00:02 +0000
        Reporting-MTA: dns; mx.fbl.mail.example
        Source-IP: 192.0.2.10

        ------=_Part_240060962_1083385345.1733137200000
        Content-Type: message/rfc822
        Content-Disposition: inline

        Return-Path: <{returnAddress}>
        From: news@example.com
        To: reader@example.net
        Subject: Hello
        Message-ID: <{originalMessageId}@us-east-1.amazonses.com>
        Date: Wed, 2 Dec 2026 10:00:00 +0000
        MIME-Version: 1.0
        Content-Type: text/plain

        Hello
        ------=_Part_240060962_1083385345.1733137200000--
        """;

    /// <summary>An RFC 3834 vacation reply.</summary>
    public static string Vacation(string returnAddress) => $"""
        From: Reader <reader@example.net>
        To: {returnAddress}
        Subject: Out of Office: Hello
        Auto-Submitted: auto-replied
        Date: Wed, 02 Dec 2026 10:05:00 +0000
        Message-ID: <vacation-1@example.net>
        MIME-Version: 1.0
        Content-Type: text/plain

        I am away until Monday.
        """;

    /// <summary>A vacation reply with none of the RFC 3834 headers, only Exchange's subject and Precedence.</summary>
    public static string ExchangeAutoReply(string returnAddress) => $"""
        From: Reader <reader@example.net>
        To: {returnAddress}
        Subject: Automatic reply: Hello
        Precedence: auto_reply
        X-Auto-Response-Suppress: All
        Date: Wed, 02 Dec 2026 10:05:00 +0000
        MIME-Version: 1.0
        Content-Type: text/plain

        Thanks, I will read your mail when I am back.
        """;
}
