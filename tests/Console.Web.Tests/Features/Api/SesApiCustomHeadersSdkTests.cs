using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SesConsole.Data;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>v2 custom headers through the real AWS SDK for JavaScript v3 (docs/ses-behaviour.md#custom-headers).</summary>
public sealed class SesApiCustomHeadersSdkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task V2_headers_reach_the_delivered_message_and_bad_ones_are_refused_with_the_header_named()
    {
        await using var server = new KestrelConsoleAppFactory();
        server.Start();
        var output = await KestrelConsoleAppFactory.RunNodeAsync("headers.mjs", await server.VerifiedSenderAsync("news@sdk.example", Ct));

        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        Assert.True(r.GetProperty("simple").ValueKind == JsonValueKind.String, output);
        Assert.True(r.GetProperty("template").ValueKind == JsonValueKind.String, output);
        var bulk = r.GetProperty("bulk").EnumerateArray().ToList();
        Assert.Equal(["SUCCESS", "SUCCESS", "INVALID_PARAMETER"], bulk.Select(e => e.GetProperty("Status").GetString()));
        Assert.Equal("Header 'Return-Path' is set by SES and cannot be given as a custom header.", bulk[2].GetProperty("Error").GetString());
        AssertRefused(r, "injected", "The value of header 'X-Note' is invalid: use at most 870 printable ASCII characters.");
        AssertRefused(r, "tooMany", "A message can carry at most 15 custom headers, not 16.");

        await using var check = await server.App.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        var outbox = await check.OutboxMessages.AsNoTracking().ToListAsync(Ct);
        MimeMessage Mail(string recipient) => MimeMessage.Load(new MemoryStream(Assert.Single(outbox, o => o.Recipients == recipient).Mime));

        var simple = Mail("simple@customer.example");
        Assert.Equal("<https://news.example/u?id=42>", simple.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", simple.Headers["List-Unsubscribe-Post"]);
        Assert.Equal("spring", simple.Headers["X-Campaign"]);
        Assert.Equal("hello", simple.Subject);
        Assert.Equal("templated", Mail("template@customer.example").Headers["X-Campaign"]);
        Assert.Equal("Hi Ann", Mail("template@customer.example").Subject);
        Assert.Equal("<https://news.example/u?id=42>", Mail("bulk1@customer.example").Headers["List-Unsubscribe"]);
        var replaced = Mail("bulk2@customer.example");
        Assert.Equal(["<https://news.example/u?id=7>"], replaced.Headers.Where(h => h.Field == "List-Unsubscribe").Select(h => h.Value));
        Assert.Equal("List-Unsubscribe=One-Click", replaced.Headers["List-Unsubscribe-Post"]);
        Assert.DoesNotContain(outbox, o => o.Recipients is "bulk3@customer.example" or "injected@customer.example" or "many@customer.example");
        Assert.DoesNotContain("victim", Encoding.ASCII.GetString(outbox.SelectMany(o => o.Mime).ToArray()), StringComparison.Ordinal);
    }

    private static void AssertRefused(JsonElement results, string step, string message)
    {
        var error = results.GetProperty(step).GetProperty("error");
        Assert.Equal("BadRequestException", error.GetProperty("name").GetString());
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        Assert.Equal(message, error.GetProperty("message").GetString());
    }
}
