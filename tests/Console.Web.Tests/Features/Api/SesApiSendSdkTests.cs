using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

public sealed class SesApiSendSdkTests
{
    private static readonly string[] SendSteps = ["v2Simple", "v2Raw", "v1Send", "v1Raw"];

    [Fact]
    public async Task AWS_SDKs_send_through_the_pipeline_and_get_SES_errors()
    {
        await using var server = new KestrelConsoleAppFactory();
        server.Start();
        var output = await KestrelConsoleAppFactory.RunNodeAsync("send.mjs", await server.VerifiedSenderAsync("news@sdk.example", TestContext.Current.CancellationToken));

        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        var ids = SendSteps.Select(name =>
        {
            Assert.True(r.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String, $"{name} in {output}");
            return r.GetProperty(name).GetString()!;
        }).ToList();
        Assert.Equal(4, ids.Distinct().Count());
        Assert.Equal("MessageRejected", r.GetProperty("unverified").GetProperty("error").GetProperty("name").GetString());
        Assert.StartsWith("Email address is not verified.", r.GetProperty("unverified").GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        var statistics = r.GetProperty("statistics");
        var point = Assert.Single(statistics.EnumerateArray());
        Assert.Equal(4, point.GetProperty("DeliveryAttempts").GetInt64());
        Assert.Equal(0, point.GetProperty("Bounces").GetInt64());
        Assert.Equal(0, point.GetProperty("Rejects").GetInt64());
        Assert.Equal(0, DateTimeOffset.Parse(point.GetProperty("Timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture).Minute % 15);
        await using var check = await server.App.Services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.Equal(4, await check.SendAttempts.CountAsync(a => a.Accepted && a.AccountId == "111111111111", TestContext.Current.CancellationToken));
        Assert.Equal(ids.Order(StringComparer.Ordinal), (await check.UsageLedger.Where(u => u.AccountId == "111111111111").Select(u => u.MessageId).ToListAsync(TestContext.Current.CancellationToken)).Order(StringComparer.Ordinal));
        Assert.True(await check.OutboxMessages.AnyAsync(o => o.MessageId == ids[0] && o.Recipients == "reader@customer.example", TestContext.Current.CancellationToken));
    }
}
