using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>Configuration sets with the real AWS SDKs for JavaScript v3 (tests/sdk-client/configuration-sets.mjs).</summary>
public sealed class SesApiConfigurationSetSdkTests
{
    [Fact]
    public async Task AWS_SDKs_manage_configuration_sets_and_a_send_naming_a_missing_one_gets_SES_errors()
    {
        await using var server = new KestrelConsoleAppFactory();
        server.Start();
        using var scope = server.App.Services.CreateScope();
        var ct = TestContext.Current.CancellationToken;
        var key = (await scope.ServiceProvider.GetRequiredService<AccessKeysService>().CreateAsync(SesApiServer.OwnerA, null, ct)).Value!;
        await scope.ServiceProvider.GetRequiredService<IdentitiesService>().CreateEmailAsync(SesApiServer.OwnerA, "us-east-1", "sets@sdk.example", new Uri(server.BaseUrl + "/"), ct);
        await using (var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(ct))
        {
            await db.SendingIdentities.Where(i => i.Name == "sets@sdk.example")
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.VerificationStatus, VerificationStatus.Success), ct);
        }

        var output = await KestrelConsoleAppFactory.RunNodeAsync("configuration-sets.mjs", new Dictionary<string, string>
        {
            ["SES_ENDPOINT"] = server.BaseUrl, ["SES_REGION"] = "us-east-1", ["SES_KEY"] = key.Id, ["SES_SECRET"] = key.Secret, ["SES_FROM"] = "sets@sdk.example",
        });

        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        string? Name(string step) => r.GetProperty(step).GetProperty("error").GetProperty("name").GetString();
        Assert.Equal("ok", r.GetProperty("v2Create").GetString());
        Assert.Equal("AlreadyExistsException", Name("v2Duplicate"));
        Assert.Equal("sdk-v2", r.GetProperty("v2Get").GetString());
        Assert.Equal("NotFoundException", Name("v2GetMissing"));
        Assert.Equal("ok", r.GetProperty("v1Create").GetString());
        Assert.Equal("ConfigurationSetAlreadyExistsException", Name("v1Duplicate"));
        Assert.Equal("sdk-v1", r.GetProperty("v1Describe").GetString());
        Assert.Equal("ConfigurationSetDoesNotExistException", Name("v1DescribeMissing"));
        Assert.Equal(["sdk-v1", "sdk-v2"], r.GetProperty("v2List").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(["sdk-v1", "sdk-v2"], r.GetProperty("v1List").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal("sent", r.GetProperty("v2SendKnown").GetString());
        Assert.Equal("NotFoundException", Name("v2SendMissing"));
        Assert.Equal("Configuration set sdk-missing does not exist.", r.GetProperty("v2SendMissing").GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("sent", r.GetProperty("v1SendKnown").GetString());
        Assert.Equal("ConfigurationSetDoesNotExistException", Name("v1SendMissing"));
        Assert.Equal(400, r.GetProperty("v1SendMissing").GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal("ok", r.GetProperty("v2Delete").GetString());
        Assert.Equal("ok", r.GetProperty("v1Delete").GetString());
        Assert.Equal(0, r.GetProperty("v2ListAfter").GetArrayLength());
    }

    [Fact]
    public async Task AWS_SDKs_manage_event_destinations_and_an_identitys_default_set_with_SES_errors()
    {
        await using var server = new KestrelConsoleAppFactory();
        server.Start();
        using var scope = server.App.Services.CreateScope();
        var ct = TestContext.Current.CancellationToken;
        var key = (await scope.ServiceProvider.GetRequiredService<AccessKeysService>().CreateAsync(SesApiServer.OwnerA, null, ct)).Value!;
        await scope.ServiceProvider.GetRequiredService<IdentitiesService>().CreateEmailAsync(SesApiServer.OwnerA, "us-east-1", "dest@sdk.example", new Uri(server.BaseUrl + "/"), ct);
        const string Topic = "arn:aws:sns:us-east-1:111111111111:sdk-feedback";

        var output = await KestrelConsoleAppFactory.RunNodeAsync("configuration-sets-destinations.mjs", new Dictionary<string, string>
        {
            ["SES_ENDPOINT"] = server.BaseUrl, ["SES_REGION"] = "us-east-1", ["SES_KEY"] = key.Id, ["SES_SECRET"] = key.Secret,
            ["SES_IDENTITY"] = "dest@sdk.example", ["SES_TOPIC"] = Topic,
        });

        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        string? Name(string step) => r.GetProperty(step).GetProperty("error").GetProperty("name").GetString();
        string Destinations(string step) => string.Join(" | ", r.GetProperty(step).EnumerateArray().Select(d =>
            $"{d.GetProperty("name").GetString()} {d.GetProperty("enabled").GetBoolean()} {string.Join(",", d.GetProperty("types").EnumerateArray().Select(t => t.GetString()))} {d.GetProperty("topic").GetString()}"));
        Assert.Equal("ok", r.GetProperty("createSet").GetString());
        Assert.Equal("ok", r.GetProperty("v2Sns").GetString());
        Assert.Equal("ok", r.GetProperty("v2EventLog").GetString());
        Assert.Equal("AlreadyExistsException", Name("v2Duplicate"));
        Assert.Equal("BadRequestException", Name("v2CloudWatch"));
        Assert.StartsWith("CloudWatch event destinations are not available", r.GetProperty("v2CloudWatch").GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("NotFoundException", Name("v2UnknownSet"));
        Assert.Equal($"log True SEND,DELIVERY  | to-topic True BOUNCE,COMPLAINT,DELIVERY_DELAY {Topic}", Destinations("v2List"));
        Assert.Equal($"log False REJECT  | to-topic True BOUNCE,COMPLAINT,DELIVERY_DELAY {Topic}", Destinations("v2Update"));
        Assert.Equal("ok", r.GetProperty("v1Create").GetString());
        Assert.Equal("InvalidSNSDestinationException", Name("v1BadTopic"));
        Assert.Equal($"log False reject  | to-topic True bounce,complaint {Topic} | v1-topic True send,renderingFailure {Topic}", Destinations("v1Describe"));
        Assert.Equal("ok", r.GetProperty("v1Update").GetString());
        Assert.Equal("ok", r.GetProperty("v1Delete").GetString());
        Assert.Equal("EventDestinationDoesNotExistException", Name("v1DeleteMissing"));
        Assert.Equal(["log"], r.GetProperty("v2Delete").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal("sdk-dest", r.GetProperty("putDefault").GetString());
        Assert.Equal("NotFoundException", Name("putDefaultMissing"));
        Assert.Equal(JsonValueKind.Null, r.GetProperty("clearDefault").ValueKind);
        Assert.Equal("ok", r.GetProperty("deleteSet").GetString());
    }
}
