using SesConsole.Domain.Sending;
using SesConsole.Domain.Sending.Steps;
using static SesConsole.Domain.Tests.Sending.SendWorld;

namespace SesConsole.Domain.Tests.Sending;

public sealed class MessageHeaderRulesTests
{
    [Fact]
    public void Check_AcceptsListUnsubscribeAndXHeaders()
    {
        Assert.Null(MessageHeaderRules.Check([
            new RawHeader("List-Unsubscribe", "<https://news.example/u?id=42>, <mailto:u@news.example>"),
            new RawHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            new RawHeader("X-Campaign", ""),
        ]));
    }

    [Theory]
    [InlineData("Bad Name", "x", "Header name 'Bad Name' is invalid")]
    [InlineData("Bad:Name", "x", "Header name 'Bad:Name' is invalid")]
    [InlineData("", "x", "Header name '' is invalid")]
    [InlineData("Subject", "x", "Header 'Subject' is set by SES")]
    [InlineData("message-id", "<a@b>", "Header 'message-id' is set by SES")]
    [InlineData("X-SES-SOURCE-ARN", "arn:aws:ses:us-east-1:111111111111:identity/x.example", "Header 'X-SES-SOURCE-ARN' is set by SES")]
    [InlineData("X-Injected", "a\r\nBcc: victim@example.org", "The value of header 'X-Injected' is invalid")]
    [InlineData("X-Unicode", "café", "The value of header 'X-Unicode' is invalid")]
    public void Check_RefusesWithTheHeaderAndTheRule(string name, string value, string expected)
    {
        var error = MessageHeaderRules.Check([new RawHeader("X-Fine", "ok"), new RawHeader(name, value)]);

        Assert.NotNull(error);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_Limits_CountNameAndValueLength()
    {
        Assert.Null(MessageHeaderRules.Check([.. Enumerable.Range(0, 15).Select(i => new RawHeader($"X-H{i}", "v"))]));
        Assert.Equal("A message can carry at most 15 custom headers, not 16.",
            MessageHeaderRules.Check([.. Enumerable.Range(0, 16).Select(i => new RawHeader($"X-H{i}", "v"))]));
        Assert.Null(MessageHeaderRules.Check([new RawHeader("X-" + new string('a', 124), new string('v', 870))]));
        Assert.NotNull(MessageHeaderRules.Check([new RawHeader("X-" + new string('a', 125), "v")]));
        Assert.NotNull(MessageHeaderRules.Check([new RawHeader("X-Long", new string('v', 871))]));
    }

    [Fact]
    public void Merge_EntryReplacesTheTemplatesHeaderOfItsName_KeepsTheOthers()
    {
        IReadOnlyList<RawHeader> template = [new("List-Unsubscribe", "<https://t/u>"), new("X-Campaign", "spring")];

        var merged = MessageHeaderRules.Merge(template, [new RawHeader("list-unsubscribe", "<https://t/u?id=7>")]);

        Assert.Equal([new RawHeader("X-Campaign", "spring"), new RawHeader("list-unsubscribe", "<https://t/u?id=7>")], merged);
        Assert.Same(template, MessageHeaderRules.Merge(template, []));
    }

    [Fact]
    public async Task ParseStep_RefusesABadHeader_AndCountsHeadersTowardTheSize()
    {
        var world = new SendWorld();
        var request = Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org");
        var bad = request with { Content = ((SimpleContent)request.Content) with { Headers = [new RawHeader("Bcc", "victim@example.org")] } };
        var big = request with { Content = ((SimpleContent)request.Content) with { Headers = [new RawHeader("X-Big", new string('v', 800))] } };
        var options = new SendPipelineOptions { MaxMessageBytes = 500 };

        var refused = await new ParseMessageStep().RunAsync(world.Context(bad), TestContext.Current.CancellationToken);
        var tooLarge = await new ParseMessageStep().RunAsync(new SendContext(big, world.Ports, options), TestContext.Current.CancellationToken);
        var fine = await new ParseMessageStep().RunAsync(new SendContext(request, world.Ports, options), TestContext.Current.CancellationToken);

        Assert.Equal(SendErrorKind.InvalidParameterValue, refused.Error!.Kind);
        Assert.Equal("Header 'Bcc' is set by SES and cannot be given as a custom header.", refused.Error.Message);
        Assert.Equal(SendErrorKind.MessageTooLarge, tooLarge.Error!.Kind);
        Assert.True(fine.IsContinue);
    }
}
