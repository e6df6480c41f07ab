using SesConsole.Data.Entities;
using SesConsole.Web.Reputation.Inbound;

namespace SesConsole.Web.Tests.Reputation.Inbound;

public sealed class FeedbackReportParserTests
{
    private const string MessageId = "0100019adeadbeef-11111111-2222-3333-4444-555555555555-000000";
    private const string Return = MessageId + "-abcdefghij@us-east-1.amazonses.com";
    private static readonly string[] Recipients = ["reader@example.net", "Other@Example.org"];

    private static ParsedFeedback Parse(string mime) => FeedbackReportParser.Parse(FeedbackMime.Bytes(mime), MessageId, Recipients);

    [Fact]
    public void Parse_PostfixUserUnknown_IsPermanentNoEmailWithTheDsnFields()
    {
        var parsed = Parse(FeedbackMime.Postfix(Return, MessageId, "reader@example.net"));

        Assert.Equal(InboundFeedbackKind.Bounce, parsed.Kind);
        var failure = Assert.Single(parsed.Failures);
        Assert.Equal(("Permanent", "NoEmail"), (failure.BounceType, failure.BounceSubType));
        Assert.Equal("reader@example.net", failure.Recipient.EmailAddress);
        Assert.Equal("failed", failure.Recipient.Action);
        Assert.Equal("5.1.1", failure.Recipient.Status);
        Assert.Equal("smtp; 550 5.1.1 <reader@example.net>: Recipient address rejected: User unknown in local recipient table", failure.Recipient.DiagnosticCode);
        Assert.Equal("dns; mx.example.net", parsed.ReportingMta);
        Assert.Equal("192.0.2.25", parsed.RemoteMtaIp);
    }

    [Fact]
    public void Parse_RecipientInAnotherCase_NamesTheMessagesRecipient()
    {
        var parsed = Parse(FeedbackMime.Postfix(Return, MessageId, "other@example.org"));

        Assert.Equal("Other@Example.org", Assert.Single(parsed.Failures).Recipient.EmailAddress);
    }

    [Fact]
    public void Parse_EximMailboxFullWithStatus500_IsTransientMailboxFull()
    {
        var parsed = Parse(FeedbackMime.EximMailboxFull(Return, MessageId, "reader@example.net"));

        var failure = Assert.Single(parsed.Failures);
        Assert.Equal(("Transient", "MailboxFull", "5.0.0"), (failure.BounceType, failure.BounceSubType, failure.Recipient.Status));
        Assert.Equal("smtp; 552 Mailbox full", failure.Recipient.DiagnosticCode);
        Assert.Equal("dns; exim.example.org", parsed.ReportingMta);
    }

    [Theory]
    [InlineData("4.2.0", "smtp; 450 4.2.0 Greylisted", "Transient", "General")]
    [InlineData("5.3.4", "smtp; 552 5.3.4 Message size exceeds fixed limit", "Transient", "MessageTooLarge")]
    [InlineData("5.7.1", "smtp; 550 5.7.1 Message rejected as spam", "Transient", "ContentRejected")]
    [InlineData("5.1.10", "smtp; 550 5.1.10 RESOLVER.ADR.RecipientNotFound", "Permanent", "NoEmail")]
    [InlineData("5.4.1", "smtp; 550 5.4.1 Relay access denied", "Permanent", "General")]
    public void Parse_StatusAndDiagnostic_GiveSesBounceTypes(string status, string diagnostic, string type, string subType)
    {
        var parsed = Parse(FeedbackMime.Postfix(Return, MessageId, "reader@example.net", status, diagnostic));

        var failure = Assert.Single(parsed.Failures);
        Assert.Equal((type, subType, status), (failure.BounceType, failure.BounceSubType, failure.Recipient.Status));
    }

    [Fact]
    public void Parse_DsnForAnAddressTheMessageWasNotSentTo_NamesNothing()
    {
        var parsed = Parse(FeedbackMime.Postfix(Return, MessageId, "stranger@example.com"));

        Assert.Equal(InboundFeedbackKind.Unparsed, parsed.Kind);
        Assert.Empty(parsed.Failures);
        Assert.Contains("stranger@example.com", parsed.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DelayedOnly_IsADelayNoticeWithoutFailures()
    {
        var parsed = Parse(FeedbackMime.PostfixDelay(Return, MessageId, "reader@example.net"));

        Assert.Equal(InboundFeedbackKind.DelayNotice, parsed.Kind);
        Assert.Empty(parsed.Failures);
    }

    [Fact]
    public void Parse_ArfAboutThisMessage_IsAComplaintOfTheNamedRecipient()
    {
        var parsed = Parse(FeedbackMime.Arf(Return, MessageId, "reader@example.net"));

        Assert.Equal(InboundFeedbackKind.Complaint, parsed.Kind);
        var complaint = parsed.Complaint!;
        Assert.Equal(["reader@example.net"], complaint.Recipients);
        Assert.Equal("abuse", complaint.FeedbackType);
        Assert.Equal("Mail.Example-FBL/1.0", complaint.UserAgent);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 10, 0, 2, TimeSpan.Zero), complaint.ArrivalDate);
    }

    [Fact]
    public void Parse_ArfWithoutOriginalRcptTo_NamesEveryRecipientOfTheMessage()
    {
        var parsed = Parse(FeedbackMime.Arf(Return, MessageId, originalRecipient: null, feedbackType: "fraud"));

        Assert.Equal(Recipients, parsed.Complaint!.Recipients);
        Assert.Equal("fraud", parsed.Complaint.FeedbackType);
    }

    [Fact]
    public void Parse_ArfNamingARecipientTheMessageDidNotHave_NamesEveryRecipientOfTheMessage()
    {
        var parsed = Parse(FeedbackMime.Arf(Return, MessageId, "stranger@example.com"));

        Assert.Equal(Recipients, parsed.Complaint!.Recipients);
    }

    [Fact]
    public void Parse_ArfAboutAnotherMessage_IsUnparsedAndNamesNobody()
    {
        var parsed = Parse(FeedbackMime.Arf(Return, "0100019a00000000-99999999-2222-3333-4444-555555555555-000000", "reader@example.net"));

        Assert.Equal(InboundFeedbackKind.Unparsed, parsed.Kind);
        Assert.Null(parsed.Complaint);
        Assert.Contains("another message", parsed.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Rfc3834Vacation_IsAnAutoReply()
    {
        Assert.Equal(InboundFeedbackKind.AutoReply, Parse(FeedbackMime.Vacation(Return)).Kind);
    }

    [Fact]
    public void Parse_ExchangeAutomaticReply_IsAnAutoReply()
    {
        Assert.Equal(InboundFeedbackKind.AutoReply, Parse(FeedbackMime.ExchangeAutoReply(Return)).Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\0\0\0\u00ff binary")]
    [InlineData("Subject: hi\r\n\r\nJust a person writing back to a return address.")]
    [InlineData("Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; a\r\n--x--")]
    [InlineData("Content-Type: multipart/report; report-type=feedback-report; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nno report\r\n--x--")]
    public void Parse_Garbage_IsUnparsedNeverAnException(string mime)
    {
        var parsed = Parse(mime);

        Assert.Equal(InboundFeedbackKind.Unparsed, parsed.Kind);
        Assert.Empty(parsed.Failures);
        Assert.Null(parsed.Complaint);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Summary));
    }
}
