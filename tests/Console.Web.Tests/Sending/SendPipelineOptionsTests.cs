using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Principals;
using SesConsole.Domain.Sending;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Features.Smtp;
using SesConsole.Web.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Sending;

/// <summary>
/// A console on a real Kestrel port whose pipeline limits come from configuration (<c>Sending:Pipeline</c>): two
/// recipients and 2,048 bytes per message, with owner A's verified domain and a root access key.
/// </summary>
public sealed class LimitedPipelineServer : IAsyncLifetime
{
    public const string Domain = "limits.example";
    public const int MaxRecipients = 2;
    public const int MaxMessageBytes = 2048;

    public static readonly Caller OwnerA = new("limits-a", "owner@example.com", "111111111111", null, "arn:aws:iam::111111111111:root", false);

    public KestrelConsoleAppFactory Server { get; } = new();

    public SesApiTestClient A { get; private set; } = null!;

    public T Service<T>() where T : notnull => Server.App.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Server.App.Settings["Sending:Pipeline:MaxRecipients"] = MaxRecipients.ToString(CultureInfo.InvariantCulture);
        Server.App.Settings["Sending:Pipeline:MaxMessageBytes"] = MaxMessageBytes.ToString(CultureInfo.InvariantCulture);
        Server.Start();
        var key = (await Service<AccessKeysService>().CreateAsync(OwnerA, null, ct)).Value!;
        A = new SesApiTestClient(Server.BaseUrl, key.Id, key.Secret);
        Assert.True((await Service<IdentitiesService>().CreateDomainAsync(OwnerA, "us-east-1", Domain, new NewDomainIdentity { DkimKeyLength = 1024 }, ct)).IsSuccess);
        await using (var db = await Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(ct))
        {
            await db.SendingIdentities.Where(i => i.Name == Domain).ExecuteUpdateAsync(s => s.SetProperty(i => i.VerificationStatus, VerificationStatus.Success), ct);
        }

        Service<SendingReadCache>().Invalidate(SendingData.All);
    }

    public async ValueTask DisposeAsync()
    {
        A?.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>
/// <see cref="SendPipelineOptions"/> bound from <c>Sending:Pipeline</c> apply to every entry: the v2 and v1 APIs answer
/// with SES's error shapes, the test-send path (<see cref="SendService"/>) refuses the same, and the SMTP listener's own
/// limits follow (docs/send-pipeline.md#pipeline-settings).
/// </summary>
public sealed class SendPipelineOptionsTests(LimitedPipelineServer server) : IClassFixture<LimitedPipelineServer>
{
    private static readonly string[] Two = ["success@simulator.amazonses.com", "success+2@simulator.amazonses.com"];
    private static readonly string[] Three = [.. Two, "success+3@simulator.amazonses.com"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string V2Body(string[] to, string text = "b") => JsonSerializer.Serialize(new
    {
        FromEmailAddress = "news@" + LimitedPipelineServer.Domain,
        Destination = new { ToAddresses = to },
        Content = new { Simple = new { Subject = new { Data = "s" }, Body = new { Text = new { Data = text } } } },
    });

    private static (string, string)[] V1Fields(string[] to, string text = "b") =>
    [
        ("Action", "SendEmail"), ("Source", "news@" + LimitedPipelineServer.Domain),
        .. to.Select((address, i) => ($"Destination.ToAddresses.member.{i + 1}", address)),
        ("Message.Subject.Data", "s"), ("Message.Body.Text.Data", text),
    ];

    [Fact]
    public async Task MaxRecipients_from_configuration_refuses_a_third_recipient_on_v2_and_v1_with_SES_errors()
    {
        var v2Three = await server.A.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", V2Body(Three));
        var v1Three = await server.A.V1Async(V1Fields(Three));
        var v2Two = await server.A.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", V2Body(Two));
        var v1Two = await server.A.V1Async(V1Fields(Two));

        Assert.Equal((400, "BadRequestException"), (v2Three.Status, v2Three.ErrorType));
        Assert.Equal("Recipient count exceeds 2.", v2Three.Json.GetProperty("message").GetString());
        Assert.Equal((400, "InvalidParameterValue"), (v1Three.Status, v1Three.V1Code));
        Assert.Equal("Recipient count exceeds 2.", v1Three.Xml.Descendants(SesApiTestClient.Ns + "Message").Single().Value);
        Assert.Equal(200, v2Two.Status);
        Assert.Equal(200, v1Two.Status);
    }

    [Fact]
    public async Task MaxMessageBytes_from_configuration_refuses_a_larger_message_on_v2_and_v1_as_MessageRejected()
    {
        var big = new string('x', LimitedPipelineServer.MaxMessageBytes + 1);

        var v2 = await server.A.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", V2Body(Two, big));
        var v1 = await server.A.V1Async(V1Fields(Two, big));
        var v1Raw = await server.A.V1RawAsync($"From: news@{LimitedPipelineServer.Domain}\r\nTo: {Two[0]}\r\nSubject: s\r\n\r\n{big}\r\n");

        Assert.Equal((400, "MessageRejected"), (v2.Status, v2.ErrorType));
        Assert.StartsWith("Message length is more than 2048 bytes long", v2.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal((400, "MessageRejected"), (v1.Status, v1.V1Code));
        Assert.Equal((400, "MessageRejected"), (v1Raw.Status, v1Raw.V1Code));
    }

    [Fact]
    public async Task The_test_send_path_uses_the_same_configured_pipeline()
    {
        var sender = server.Service<SendService>();
        var caller = new SendCaller(RequestPrincipal.ForAccount(AccountId.Parse("111111111111").Value), SourceIp: "127.0.0.1");
        var request = new SendRequest(caller, SendApi.V2Simple, "us-east-1", DateTimeOffset.UtcNow,
            new SimpleContent(Three, Subject: "s", TextBody: "b")) { Source = "news@" + LimitedPipelineServer.Domain };

        var outcome = await sender.SendAsync(request, "Test", Ct);

        Assert.Equal(SendErrorKind.InvalidParameterValue, outcome.Rejection?.Error.Kind);
        Assert.Same(server.Service<SendPipeline>(), server.Service<SendPipeline>());
    }

    [Fact]
    public void The_SMTP_listener_limits_follow_the_pipeline_unless_set_under_Smtp()
    {
        var smtp = server.Service<IOptions<SmtpOptions>>().Value;

        Assert.Equal((LimitedPipelineServer.MaxMessageBytes, LimitedPipelineServer.MaxRecipients), (smtp.MaxMessageSize, smtp.MaxRecipients));
    }

    [Theory]
    [InlineData("MaxRecipients", "0")]
    [InlineData("MaxMessageBytes", "-1")]
    public async Task A_non_positive_limit_stops_the_app_at_start(string setting, string value)
    {
        await using var app = new ConsoleAppFactory();
        app.Settings[$"Sending:Pipeline:{setting}"] = value;

        var error = Record.Exception(() => app.Services);

        Assert.NotNull(error);
        Assert.Contains($"Sending:Pipeline:{setting}", error.ToString(), StringComparison.Ordinal);
    }
}
