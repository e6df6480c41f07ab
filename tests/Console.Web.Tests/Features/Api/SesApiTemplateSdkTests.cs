using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>Email templates with the real AWS SDKs for JavaScript v3, v1 and v2 clients (tests/sdk-client/templates.mjs).</summary>
public sealed class SesApiTemplateSdkTests
{
    [Fact]
    public async Task AWS_SDKs_create_get_update_list_render_and_delete_templates_with_SES_errors()
    {
        await using var server = new KestrelConsoleAppFactory();
        server.Start();
        using var scope = server.App.Services.CreateScope();
        var ct = TestContext.Current.CancellationToken;
        var key = (await scope.ServiceProvider.GetRequiredService<AccessKeysService>().CreateAsync(SesApiServer.OwnerA, null, ct)).Value!;

        var output = await KestrelConsoleAppFactory.RunNodeAsync("templates.mjs", new Dictionary<string, string>
        {
            ["SES_ENDPOINT"] = server.BaseUrl, ["SES_REGION"] = "us-east-1", ["SES_KEY"] = key.Id, ["SES_SECRET"] = key.Secret,
        });

        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        string? Name(string step) => r.GetProperty(step).GetProperty("error").GetProperty("name").GetString();
        string Text(string step) => r.GetProperty(step).GetString()!;
        string Part(string step, string part) => r.GetProperty(step).GetProperty(part).GetString()!;

        Assert.Equal("ok", Text("v2Create"));
        Assert.Equal("AlreadyExistsException", Name("v2Duplicate"));
        Assert.Equal(("sdk-v2", "Hello {{name}}", "Dear {{name}}", "<p>{{name}}</p>"), (Part("v2Get", "name"), Part("v2Get", "subject"), Part("v2Get", "text"), Part("v2Get", "html")));
        Assert.Equal("NotFoundException", Name("v2GetMissing"));
        Assert.Equal(404, r.GetProperty("v2GetMissing").GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal("Welcome {{name}}", Text("v2Update"));
        Assert.Contains("Subject: Welcome Ann", Text("v2Render"), StringComparison.Ordinal);
        Assert.Contains("Hi Ann", Text("v2Render"), StringComparison.Ordinal);
        Assert.Equal("BadRequestException", Name("v2RenderMissingAttribute"));

        Assert.Equal("ok", Text("v1Create"));
        Assert.Equal("AlreadyExistsException", Name("v1Duplicate"));
        Assert.Equal(("sdk-v1", "Hi {{name}}", "Text {{name}}", "<b>{{name}}</b>"), (Part("v1Get", "name"), Part("v1Get", "subject"), Part("v1Get", "text"), Part("v1Get", "html")));
        Assert.Equal("TemplateDoesNotExistException", Name("v1GetMissing"));
        Assert.Equal("Template sdk-missing does not exist.", r.GetProperty("v1GetMissing").GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("Bye {{name}}", Text("v1Update"));
        Assert.Contains("Subject: Bye Bob", Text("v1Render"), StringComparison.Ordinal);
        Assert.Contains("Text Bob", Text("v1Render"), StringComparison.Ordinal);
        Assert.Equal("MissingRenderingAttributeException", Name("v1RenderMissingAttribute"));
        Assert.Equal("InvalidRenderingParameterException", Name("v1RenderBadData"));

        Assert.Equal(["sdk-v1", "sdk-v2"], r.GetProperty("v2List").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(["sdk-v1", "sdk-v2"], r.GetProperty("v1List").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal("ok", Text("v2Delete"));
        Assert.Equal("NotFoundException", Name("v2DeleteMissing"));
        Assert.Equal("ok", Text("v1Delete"));
        Assert.Equal("ok", Text("v1DeleteMissing"));
        Assert.Equal(0, r.GetProperty("v2ListAfter").GetArrayLength());
    }
}
