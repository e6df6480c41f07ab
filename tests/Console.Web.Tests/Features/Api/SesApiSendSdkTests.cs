using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;
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
        var owner = new Caller("sdk", "owner@example.com", "111111111111", null, "arn:aws:iam::111111111111:root", false);
        using var scope = server.App.Services.CreateScope();
        var key = (await scope.ServiceProvider.GetRequiredService<AccessKeysService>().CreateAsync(owner, null, TestContext.Current.CancellationToken)).Value!;
        await scope.ServiceProvider.GetRequiredService<IdentitiesService>().CreateEmailAsync(owner, "us-east-1", "news@sdk.example", new Uri(server.BaseUrl + "/"), TestContext.Current.CancellationToken);
        await using (var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            await db.SendingIdentities.Where(i => i.Name == "news@sdk.example")
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.VerificationStatus, VerificationStatus.Success), TestContext.Current.CancellationToken);
        }

        var output = await KestrelConsoleAppFactory.RunNodeAsync("send.mjs", new Dictionary<string, string>
        {
            ["SES_ENDPOINT"] = server.BaseUrl, ["SES_REGION"] = "us-east-1", ["SES_KEY"] = key.Id, ["SES_SECRET"] = key.Secret,
            ["SES_FROM_ARN"] = "arn:aws:ses:us-east-1:111111111111:identity/news@sdk.example", ["SES_FROM"] = "news@sdk.example",
        });

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
        await using var check = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.Equal(4, await check.SendAttempts.CountAsync(a => a.Accepted && a.AccountId == "111111111111", TestContext.Current.CancellationToken));
        Assert.Equal(ids.Order(StringComparer.Ordinal), (await check.UsageLedger.Where(u => u.AccountId == "111111111111").Select(u => u.MessageId).ToListAsync(TestContext.Current.CancellationToken)).Order(StringComparer.Ordinal));
        Assert.True(await check.OutboxMessages.AnyAsync(o => o.MessageId == ids[0] && o.Recipients == "reader@customer.example", TestContext.Current.CancellationToken));
    }
}
