using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SesConsole.Data;
using SesConsole.Web.Features.Mail;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Mail;

public sealed class LocalSinkTransportTests(AppFixture app) : IClassFixture<AppFixture>, IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 15, 30, 250, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly string _pickup = Path.Combine(Path.GetTempPath(), $"sesconsole-pickup-{Guid.NewGuid():N}");

    private LocalSinkTransport Sink(string? pickup) =>
        new(app.Factory.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>(), _time, pickup, NullLogger<LocalSinkTransport>.Instance);

    private MailComposer Composer => new(new MailOptions(), _time);

    [Fact]
    public async Task SendAsync_stores_the_row_and_the_pickup_file_with_the_exact_bytes()
    {
        var message = Composer.Compose(new ProductMail("111111111111", "someone@example.com", "Verify your address", "Open https://console.test/verify?t=1",
            "<p><a href=\"https://console.test/verify?t=1\">Verify</a></p>"));

        var result = await Sink(_pickup).SendAsync(message, TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess, result.Error?.ToString());
        await using var db = app.Db();
        var row = await db.MailboxMessages.SingleAsync(m => m.MessageId == result.Value, TestContext.Current.CancellationToken);
        Assert.Equal("111111111111", row.AccountId);
        Assert.Equal("no-reply@sesconsole.localhost", row.EnvelopeFrom);
        Assert.Equal("someone@example.com", row.Recipients);
        Assert.Equal("Verify your address", row.Subject);
        Assert.Equal(Now, row.ReceivedAt);
        Assert.Equal(message.Mime, row.Mime);
        var file = Path.Combine(_pickup, LocalSinkTransport.PickupFileName(Now, row.Id));
        Assert.Equal($"20261128T101530250Z-{row.Id:N}.eml", Path.GetFileName(file));
        Assert.Equal(message.Mime, await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken));
        Assert.Single(Directory.GetFiles(_pickup));
    }

    [Fact]
    public async Task SendAsync_keeps_the_envelope_recipients_comma_separated_and_writes_no_file_without_a_pickup_directory()
    {
        var message = Composer.Compose(new ProductMail(null, "a@example.com", "Platform notice", "Hi")) with { Recipients = ["a@example.com", "b@example.com"] };

        var result = await Sink(null).SendAsync(message, TestContext.Current.CancellationToken);

        await using var db = app.Db();
        var row = await db.MailboxMessages.SingleAsync(m => m.MessageId == result.Value, TestContext.Current.CancellationToken);
        Assert.Null(row.AccountId);
        Assert.Equal("a@example.com,b@example.com", row.Recipients);
        Assert.False(Directory.Exists(_pickup));
    }

    [Fact]
    public async Task SendAsync_without_recipients_is_refused_and_stores_nothing()
    {
        var message = Composer.Compose(new ProductMail("111111111111", "a@example.com", "No one", "Hi")) with { Recipients = [] };
        await using var db = app.Db();
        var before = await db.MailboxMessages.CountAsync(TestContext.Current.CancellationToken);

        var result = await Sink(_pickup).SendAsync(message, TestContext.Current.CancellationToken);

        Assert.Equal("mail.no_recipients", result.Error?.Code);
        Assert.Equal(before, await db.MailboxMessages.CountAsync(TestContext.Current.CancellationToken));
        Assert.False(Directory.Exists(_pickup));
    }

    public void Dispose()
    {
        if (Directory.Exists(_pickup))
        {
            Directory.Delete(_pickup, recursive: true);
        }
    }
}
