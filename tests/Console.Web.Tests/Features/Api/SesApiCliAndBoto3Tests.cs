using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Sending;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// Debian's AWS CLI v2 (<c>/usr/bin/aws</c>, package awscli) and boto3 (<c>/usr/bin/python3</c>, package python3-boto3)
/// against the console on a real port, as delegate B (root key of 222222222222) sending as owner A's identities:
/// example.com (verified, a policy allowing B) and closed.example (verified, no policy). The CLI test runs the README's
/// AWS CLI block as written. Neither client reads the developer's ~/.aws: config and credentials files are /dev/null,
/// HOME is a temp folder and no inherited AWS_* variable is passed on.
/// </summary>
public sealed class SesApiCliAndBoto3Tests
{
    private const string Aws = "/usr/bin/aws";
    private const string Python = "/usr/bin/python3";
    private const string AllowedArn = "arn:aws:ses:us-east-1:111111111111:identity/example.com";
    private const string ClosedArn = "arn:aws:ses:us-east-1:111111111111:identity/closed.example";
    private const string DelegateRoot = "arn:aws:iam::222222222222:root";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string RepositoryRoot => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    [Fact]
    public async Task The_READMEs_AWS_CLI_block_sends_as_a_delegate_lists_its_identities_and_reads_its_statistics()
    {
        await using var world = await World.StartAsync();
        var block = ReadmeAwsCliBlock();
        var script = Path.Combine(world.Home, "readme-cli.sh");
        await File.WriteAllTextAsync(script, block, Ct);

        var (exit, stdout, stderr) = await world.RunAsync("bash", ["-euo", "pipefail", script], new() { ["SES"] = world.Server.BaseUrl });

        Assert.True(exit == 0, $"the README's CLI block exited {exit}: {stderr}\n{block}");
        var outputs = JsonValues(stdout);
        Assert.Equal(3, outputs.Count);
        var messageId = outputs[0].GetProperty("MessageId").GetString()!;
        var activity = world.Get<SendingActivityService>();
        var asOwner = await activity.MessageAsync(SesApiServer.OwnerA, messageId, Ct);
        Assert.True(asOwner.IsSuccess, $"message {messageId} is not in the owner's activity");
        var attempt = asOwner.Value!.Attempt!;
        Assert.True(attempt.Accepted);
        Assert.Equal((DelegateRoot, AllowedArn, "news@example.com", "SendEmail (v2)"), (attempt.CallerArn, attempt.IdentityArn, attempt.FromAddress, attempt.Api));
        Assert.True((await activity.MessageAsync(SesApiServer.OwnerB, messageId, Ct)).IsSuccess);
        // The delegate lists its own identities, not the owner's it sent as.
        Assert.Equal(["agency@agency.example"], outputs[1].GetProperty("EmailIdentities").EnumerateArray().Select(i => i.GetProperty("IdentityName").GetString()!));
        Assert.Equal("EMAIL_ADDRESS", outputs[1].GetProperty("EmailIdentities")[0].GetProperty("IdentityType").GetString());
        var point = Assert.Single(outputs[2].GetProperty("SendDataPoints").EnumerateArray());
        Assert.Equal(1, point.GetProperty("DeliveryAttempts").GetInt64());
        Assert.Equal(0, point.GetProperty("Rejects").GetInt64());
    }

    [Fact]
    public async Task The_AWS_CLI_shows_SES_error_codes_on_stderr_when_a_delegate_send_is_denied()
    {
        await using var world = await World.StartAsync();
        var endpoint = world.Server.BaseUrl;

        var v2 = await world.RunAsync(Aws, ["sesv2", "send-email", "--endpoint-url", endpoint, "--from-email-address", "news@closed.example",
            "--from-email-address-identity-arn", ClosedArn, "--destination", "ToAddresses=success@simulator.amazonses.com",
            "--content", "Simple={Subject={Data=Hello},Body={Text={Data=Hi}}}"]);
        var v1 = await world.RunAsync(Aws, ["ses", "send-email", "--endpoint-url", endpoint, "--from", "news@closed.example", "--source-arn", ClosedArn,
            "--to", "success@simulator.amazonses.com", "--subject", "Hello", "--text", "Hi"]);

        Assert.NotEqual(0, v2.Exit);
        Assert.Contains("An error occurred (AccessDeniedException) when calling the SendEmail operation", v2.Stderr, StringComparison.Ordinal);
        Assert.Contains(ClosedArn, v2.Stderr, StringComparison.Ordinal);
        Assert.Equal("", v2.Stdout.Trim());
        Assert.NotEqual(0, v1.Exit);
        Assert.Contains("An error occurred (AccessDenied) when calling the SendEmail operation", v1.Stderr, StringComparison.Ordinal);
        var refused = (await world.Get<SendingActivityService>().ListAsync(SesApiServer.OwnerB, ActivityScope.MySends, accepted: false, ct: Ct)).Value!;
        Assert.Equal(["SendEmail (v1)", "SendEmail (v2)"], refused.Select(a => a.Api).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Boto3_sends_with_v1_SourceArn_and_v2_FromEmailAddressIdentityArn_and_gets_SES_error_codes()
    {
        await using var world = await World.StartAsync();

        var (exit, stdout, stderr) = await world.RunAsync(Python, [Path.Combine(RepositoryRoot, "tests", "sdk-client", "boto3_send.py")], new()
        {
            ["SES_ENDPOINT"] = world.Server.BaseUrl, ["SES_REGION"] = "us-east-1", ["SES_KEY"] = world.DelegateKey.Id, ["SES_SECRET"] = world.DelegateKey.Secret,
            ["SES_FROM_ARN"] = AllowedArn, ["SES_FROM"] = "news@example.com", ["SES_DENIED_ARN"] = ClosedArn, ["SES_DENIED_FROM"] = "news@closed.example",
        });

        Assert.True(exit == 0, $"boto3_send.py exited {exit}: {stderr}");
        using var doc = JsonDocument.Parse(stdout);
        var r = doc.RootElement;
        var activity = world.Get<SendingActivityService>();
        foreach (var (step, api) in new[] { ("v1Send", "SendEmail (v1)"), ("v2Send", "SendEmail (v2)") })
        {
            Assert.True(r.GetProperty(step).ValueKind == JsonValueKind.String, $"{step} in {stdout}");
            var sent = await activity.MessageAsync(SesApiServer.OwnerA, r.GetProperty(step).GetString()!, Ct);
            Assert.True(sent.IsSuccess, $"{step}'s message is not in the owner's activity");
            Assert.Equal((true, DelegateRoot, AllowedArn, api), (sent.Value!.Attempt!.Accepted, sent.Value.Attempt.CallerArn, sent.Value.Attempt.IdentityArn, sent.Value.Attempt.Api));
        }

        Assert.NotEqual(r.GetProperty("v1Send").GetString(), r.GetProperty("v2Send").GetString());
        Assert.Equal(("AccessDenied", 403), (r.GetProperty("v1Denied").GetProperty("error").GetProperty("code").GetString(), r.GetProperty("v1Denied").GetProperty("error").GetProperty("status").GetInt32()));
        Assert.Equal(("AccessDeniedException", 403), (r.GetProperty("v2Denied").GetProperty("error").GetProperty("code").GetString(), r.GetProperty("v2Denied").GetProperty("error").GetProperty("status").GetInt32()));
        Assert.Contains(ClosedArn, r.GetProperty("v2Denied").GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The fenced bash block after the README's "AWS CLI" paragraph, as written.</summary>
    private static string ReadmeAwsCliBlock()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot, "README.md"));
        var intro = Array.FindIndex(lines, l => l.StartsWith("AWS CLI", StringComparison.Ordinal));
        Assert.True(intro >= 0, "README.md has no paragraph starting with 'AWS CLI'");
        var open = Array.FindIndex(lines, intro, l => l == "```bash");
        var close = Array.FindIndex(lines, open + 1, l => l == "```");
        Assert.True(open > intro && close > open, "README.md's 'AWS CLI' paragraph is not followed by a ```bash block");
        return string.Join('\n', lines[(open + 1)..close]) + "\n";
    }

    /// <summary>The JSON documents the CLI printed one after another.</summary>
    private static List<JsonElement> JsonValues(string text)
    {
        var values = new List<JsonElement>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { AllowMultipleValues = true });
        while (reader.Read())
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            values.Add(doc.RootElement.Clone());
        }

        return values;
    }

    /// <summary>A fresh console with owner A's identities and policy, delegate B's own identity and a root key of B.</summary>
    private sealed class World : IAsyncDisposable
    {
        private World(KestrelConsoleAppFactory server, NewAccessKey delegateKey, string home) => (Server, DelegateKey, Home) = (server, delegateKey, home);

        public KestrelConsoleAppFactory Server { get; }

        public NewAccessKey DelegateKey { get; }

        /// <summary>HOME for the clients (and where the test writes its scripts).</summary>
        public string Home { get; }

        public static async Task<World> StartAsync()
        {
            Assert.True(File.Exists(Aws), $"{Aws} is missing: install Debian's awscli (scripts/test.sh does)");
            Assert.True(File.Exists(Python), $"{Python} is missing");
            var server = new KestrelConsoleAppFactory();
            server.Start();
            using var scope = server.App.Services.CreateScope();
            var services = scope.ServiceProvider;
            var identities = services.GetRequiredService<IdentitiesService>();
            foreach (var domain in new[] { "example.com", "closed.example" })
            {
                Assert.True((await identities.CreateDomainAsync(SesApiServer.OwnerA, "us-east-1", domain, new NewDomainIdentity { DkimKeyLength = 1024 }, Ct)).IsSuccess);
            }

            Assert.True((await identities.CreateEmailAsync(SesApiServer.OwnerB, "us-east-1", "agency@agency.example", new Uri(server.BaseUrl + "/"), Ct)).IsSuccess);
            await using (var db = await services.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
            {
                // As if DNS showed the records.
                await db.SendingIdentities.Where(i => i.AccountId == "111111111111")
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.VerificationStatus, VerificationStatus.Success), Ct);
            }

            var policy = $$"""
                { "Version": "2012-10-17", "Statement": [ { "Sid": "AllowAgency", "Effect": "Allow", "Principal": { "AWS": "222222222222" },
                  "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "{{AllowedArn}}" } ] }
                """;
            Assert.True((await services.GetRequiredService<IdentityPoliciesService>().CreateAsync(SesApiServer.OwnerA, "us-east-1", "example.com", "Agency", policy, Ct)).IsSuccess);
            var key = (await services.GetRequiredService<AccessKeysService>().CreateAsync(SesApiServer.OwnerB, null, Ct)).Value!;
            return new World(server, key, Directory.CreateTempSubdirectory("sesconsole-aws-").FullName);
        }

        public T Get<T>() where T : notnull => Server.App.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

        /// <summary>Runs a client with B's key and us-east-1 in an environment that keeps out the developer's AWS settings.</summary>
        public async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string program, IReadOnlyList<string> arguments, Dictionary<string, string>? extra = null)
        {
            var start = new ProcessStartInfo(program) { WorkingDirectory = Home };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal) || k.StartsWith("PYTHON", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(name);
            }

            // The README's `aws` is Debian's: /usr/bin first, ahead of any other aws (a pyenv shim, say) on the developer's PATH.
            start.Environment["PATH"] = "/usr/bin:/bin:" + start.Environment["PATH"];
            start.Environment["HOME"] = Home;
            start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
            start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
            start.Environment["AWS_PAGER"] = "";
            start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
            start.Environment["AWS_MAX_ATTEMPTS"] = "1";
            start.Environment["AWS_ACCESS_KEY_ID"] = DelegateKey.Id;
            start.Environment["AWS_SECRET_ACCESS_KEY"] = DelegateKey.Secret;
            start.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
            foreach (var (name, value) in extra ?? [])
            {
                start.Environment[name] = value;
            }

            return await ChildProcess.RunAsync(start);
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            Directory.Delete(Home, recursive: true);
        }
    }
}
