using System.Text.Json;
using SesConsole.Web.Tests.Shared;
using static SesConsole.Web.Tests.Features.Sts.StsWorld;

namespace SesConsole.Web.Tests.Features.Sts;

/// <summary>The real @aws-sdk/client-sts and @aws-sdk/client-sesv2 against the console (tests/sdk-client/assume-and-send.mjs).</summary>
public sealed class StsSdkTests(StsServer sts) : IClassFixture<StsServer>
{
    [Fact]
    public async Task AWS_SDK_assumes_a_role_and_sends_with_the_session_credentials()
    {
        var key = sts.World.Key("mailer");

        var output = await KestrelConsoleAppFactory.RunNodeAsync("assume-and-send.mjs", new Dictionary<string, string>
        {
            ["SES_ENDPOINT"] = sts.BaseUrl, ["SES_REGION"] = "us-east-1", ["SES_KEY"] = key.Id, ["SES_SECRET"] = key.Secret,
            ["ROLE_ARN"] = SenderRole, ["DENIED_ROLE_ARN"] = RoleArn(A, "named"), ["SES_FROM"] = From, ["SES_FROM_ARN"] = FromArn,
        });

        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;
        Assert.Equal($"arn:aws:iam::{B}:user/mailer", r.GetProperty("callerBefore").GetString());
        var assumed = r.GetProperty("assume");
        Assert.True(assumed.TryGetProperty("arn", out var arn), output);
        Assert.Equal($"arn:aws:sts::{B}:assumed-role/sender/sdk-session", arn.GetString());
        Assert.StartsWith("ASIA", assumed.GetProperty("keyId").GetString(), StringComparison.Ordinal);
        Assert.EndsWith(":sdk-session", assumed.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.InRange(assumed.GetProperty("seconds").GetInt32(), 880, 901);
        Assert.Equal($"arn:aws:sts::{B}:assumed-role/sender/sdk-session", r.GetProperty("callerAfter").GetString());
        Assert.True(r.GetProperty("send").ValueKind == JsonValueKind.String, output);
        Assert.Equal("AccessDenied", r.GetProperty("denied").GetProperty("error").GetProperty("name").GetString());
        Assert.Equal(403, r.GetProperty("denied").GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal("ValidationError", r.GetProperty("badSessionName").GetProperty("error").GetProperty("name").GetString());
        Assert.Equal("UnrecognizedClientException", r.GetProperty("forged").GetProperty("error").GetProperty("name").GetString());
        Assert.Equal($"arn:aws:iam::{B}:user/mailer", r.GetProperty("sessionToken").GetString());
    }
}
