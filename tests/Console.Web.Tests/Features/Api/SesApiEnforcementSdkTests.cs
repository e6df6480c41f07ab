using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Reputation;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// Enforcement through the real AWS SDKs (<c>tests/sdk-client/enforcement.mjs</c>; docs/reputation.md#enforcement): a
/// delegate over the pause threshold is refused by v1 (<c>AccountSendingPausedException</c>) and v2
/// (<c>SendingPausedException</c>), both 400, when sending as the owner's identity, while the owner still sends as it;
/// GetAccount and GetAccountSendingEnabled agree; the account's own switch cannot lift the pause; an admin's resume can.
/// </summary>
public sealed class SesApiEnforcementSdkTests
{
    private const string Owner = "111111111111";
    private const string Delegate = "222222222222";
    private const string Domain = "enforce.example";
    private const string IdentityArn = $"arn:aws:ses:us-east-1:{Owner}:identity/{Domain}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_paused_delegate_is_refused_by_v1_and_v2_the_owner_still_sends_and_an_admin_resume_lets_it_send_again()
    {
        await using var server = new KestrelConsoleAppFactory();
        server.Start();
        using var scope = server.App.Services.CreateScope();
        var keys = scope.ServiceProvider.GetRequiredService<AccessKeysService>();
        var ownerKey = (await keys.CreateAsync(new Caller("e-a", "owner@example.com", Owner, null, $"arn:aws:iam::{Owner}:root", false), null, Ct)).Value!;
        var delegateKey = (await keys.CreateAsync(new Caller("e-b", "delegate@example.com", Delegate, null, $"arn:aws:iam::{Delegate}:root", false), null, Ct)).Value!;
        var now = DateTimeOffset.UtcNow;
        await using (var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            // Whatever the demo seed put there, the delegate starts healthy with only the figures below.
            await db.ReputationBuckets.Where(b => b.AccountId == Delegate || b.AccountId == Owner).ExecuteDeleteAsync(Ct);
            await db.Accounts.Where(a => a.Id == Delegate || a.Id == Owner)
                .ExecuteUpdateAsync(u => u.SetProperty(a => a.EnforcementStatus, EnforcementStatus.Healthy).SetProperty(a => a.Sandbox, false), Ct);
            var identity = new SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = Owner, Region = "us-east-1", Type = SendingIdentityType.Domain, Name = Domain,
                VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
            };
            identity.Policies.Add(new IdentityPolicyEntity
            {
                Id = Guid.NewGuid(), Name = "delegate", UpdatedAt = now, UpdatedBy = "test",
                Document = $$"""
                    {"Version":"2012-10-17","Statement":[{"Sid":"AllowDelegate","Effect":"Allow","Principal":{"AWS":"{{Delegate}}"},
                     "Action":["ses:SendEmail","ses:SendRawEmail"],"Resource":"{{IdentityArn}}"}]}
                    """,
            });
            db.SendingIdentities.Add(identity);
            await db.SaveChangesAsync(Ct);

            // 250 recipients, 30 hard bounces (12 %): over the pause threshold.
            await ReputationRollup.ApplyAsync(db, [new ReputationDelta(Delegate, Owner, IdentityArn, ReputationDelta.HourOf(now.AddHours(-2)), Test: false)
                { Sent = 250, Delivered = 220, HardBounces = 30, ComplaintEligible = 220 }], ct: Ct);
        }

        var enforcement = scope.ServiceProvider.GetRequiredService<EnforcementService>();
        Assert.Equal(EnforcementStatus.Paused, (await enforcement.EvaluateAsync(Delegate, Ct))?.To);

        var paused = await RunAsync(server, ownerKey, delegateKey, "paused");

        AssertError(paused, "delegateV1", "AccountSendingPausedException", 400);
        AssertError(paused, "delegateV2", "SendingPausedException", 400);
        AssertAccount(paused, "delegateAccount", "SHUTDOWN", sendingEnabled: false);
        Assert.False(paused.GetProperty("delegateEnabled").GetBoolean());
        AssertMessageId(paused, "ownerV2");
        AssertMessageId(paused, "ownerV1");
        AssertAccount(paused, "ownerAccount", "HEALTHY", sendingEnabled: true);
        Assert.True(paused.GetProperty("ownerEnabled").GetBoolean());
        Assert.Equal("ok", paused.GetProperty("delegateSwitchOn").GetString());
        AssertError(paused, "delegateV2AfterSwitch", "SendingPausedException", 400);

        var admin = new Caller("e-admin", "admin@example.com", null, null, null, IsAdmin: true);
        Assert.True((await enforcement.ResumeAsync(admin, Delegate, "Bounces explained; list cleaned.", Ct)).IsSuccess);

        var resumed = await RunAsync(server, ownerKey, delegateKey, "resumed");

        AssertMessageId(resumed, "delegateV1");
        AssertMessageId(resumed, "delegateV2");
        AssertAccount(resumed, "delegateAccount", "HEALTHY", sendingEnabled: true);
        Assert.True(resumed.GetProperty("delegateEnabled").GetBoolean());
        Assert.False(resumed.GetProperty("delegateEnabledOff").GetBoolean());
        AssertAccount(resumed, "delegateAccountOff", "HEALTHY", sendingEnabled: false);
        AssertError(resumed, "delegateV2Off", "SendingPausedException", 400);
        AssertMessageId(resumed, "ownerV2WhileDelegateOff");
        Assert.True(resumed.GetProperty("delegateEnabledOn").GetBoolean());
        AssertMessageId(resumed, "delegateV2On");

        var history = (await enforcement.HistoryAsync(admin, Delegate, Ct)).Value!;
        Assert.Equal(["Admin", "Automatic"], history.Select(h => h.Cause));
    }

    private static async Task<JsonElement> RunAsync(KestrelConsoleAppFactory server, NewAccessKey ownerKey, NewAccessKey delegateKey, string phase)
    {
        var output = await KestrelConsoleAppFactory.RunNodeAsync("enforcement.mjs", new Dictionary<string, string>
        {
            ["SES_ENDPOINT"] = server.BaseUrl, ["SES_REGION"] = "us-east-1", ["OWNER_KEY"] = ownerKey.Id, ["OWNER_SECRET"] = ownerKey.Secret,
            ["DELEGATE_KEY"] = delegateKey.Id, ["DELEGATE_SECRET"] = delegateKey.Secret, ["IDENTITY_ARN"] = IdentityArn, ["FROM"] = $"news@{Domain}", ["PHASE"] = phase,
        });
        using var doc = JsonDocument.Parse(output);
        return doc.RootElement.Clone();
    }

    private static void AssertError(JsonElement r, string step, string name, int status)
    {
        Assert.True(r.GetProperty(step) is { ValueKind: JsonValueKind.Object } value && value.TryGetProperty("error", out _), $"{step}: {r}");
        var error = r.GetProperty(step).GetProperty("error");
        Assert.True(error.TryGetProperty("status", out var code), $"{step}: {r}");
        Assert.Equal((name, status), (error.GetProperty("name").GetString(), code.GetInt32()));
    }

    private static void AssertMessageId(JsonElement r, string step) =>
        Assert.True(r.GetProperty(step).ValueKind == JsonValueKind.String, $"{step}: {r.GetProperty(step)}");

    private static void AssertAccount(JsonElement r, string step, string status, bool sendingEnabled)
    {
        var a = r.GetProperty(step);
        Assert.Equal((status, sendingEnabled), (a.GetProperty("EnforcementStatus").GetString(), a.GetProperty("SendingEnabled").GetBoolean()));
    }
}
