using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Templates;
using SesConsole.Web.Sending.Templates;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// The setting of the templated and bulk send tests on a <see cref="SesApiServer"/>: owner A (111111111111) verified a
/// domain and put a sending authorization policy on it for delegate B (222222222222); the templates are B's (the
/// sender's); both accounts are out of the sandbox with a rate that never throttles, unless a test says otherwise.
/// </summary>
internal static class TemplatedSendWorld
{
    public const string Owner = "111111111111";
    public const string DelegateAccount = "222222222222";
    public const string Region = "us-east-1";
    public const string Simulator = "success@simulator.amazonses.com";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string Arn(string domain) => $"arn:aws:ses:{Region}:{Owner}:identity/{domain}";

    /// <summary>A's verified <paramref name="domain"/> with a policy allowing B <paramref name="actions"/> on it.</summary>
    public static Task DomainAsync(SesApiServer api, string domain, params string[] actions) => DomainAsync(api, domain, null, actions);

    /// <summary>A's verified <paramref name="domain"/> with a policy allowing B <paramref name="actions"/> on it under <paramref name="condition"/>.</summary>
    public static async Task DomainAsync(SesApiServer api, string domain, object? condition, params string[] actions)
    {
        var now = DateTimeOffset.UtcNow;
        await using (var db = await api.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct))
        {
            db.SendingIdentities.Add(new SendingIdentityEntity
            {
                Id = Guid.NewGuid(), AccountId = Owner, Region = Region, Type = SendingIdentityType.Domain, Name = domain,
                VerificationStatus = VerificationStatus.Success, VerificationStatusSince = now, VerifiedAt = now, CreatedAt = now,
            });
            await db.SaveChangesAsync(Ct);
        }

        var statement = new Dictionary<string, object>
        {
            ["Sid"] = "DelegateB", ["Effect"] = "Allow", ["Principal"] = new { AWS = DelegateAccount }, ["Action"] = actions, ["Resource"] = Arn(domain),
        };
        if (condition is not null)
        {
            statement["Condition"] = condition;
        }

        var document = JsonSerializer.Serialize(new { Version = "2012-10-17", Statement = new[] { statement } });
        var put = await api.A.V2Async(HttpMethod.Post, $"/v2/email/identities/{Uri.EscapeDataString(domain)}/policies/delegate",
            JsonSerializer.Serialize(new { Policy = document }));
        Assert.True(put.Status == 200, put.Body);
    }

    /// <summary>Both accounts out of the sandbox, rate <c>1000/s</c>, daily quota <paramref name="max24HourSend"/> (saved through EF, so the read cache hears of it).</summary>
    public static async Task AccountsAsync(SesApiServer api, int max24HourSend = 1_000_000)
    {
        await using var db = await api.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
        foreach (var account in await db.Accounts.Where(a => a.Id == Owner || a.Id == DelegateAccount).ToListAsync(Ct))
        {
            account.Sandbox = false;
            account.MaxSendRate = 1000;
            account.Max24HourSend = account.Id == DelegateAccount ? max24HourSend : 1_000_000;
        }

        await db.SaveChangesAsync(Ct);
    }

    /// <summary>A template of <paramref name="account"/> in us-east-1.</summary>
    public static async Task TemplateAsync(SesApiServer api, string account, string name, string subject, string? text, string? html = null)
    {
        var created = await api.Service<EmailTemplateStore>().CreateAsync(account, Region, new EmailTemplate(name, subject, text, html), Ct);
        Assert.True(created.IsSuccess, created.Error?.Message);
    }

    /// <summary>B puts <paramref name="address"/> on its suppression list (v2 PutSuppressedDestination).</summary>
    public static async Task SuppressAsync(SesApiServer api, string address)
    {
        var put = await api.B.V2Async(HttpMethod.Put, "/v2/email/suppression/addresses",
            JsonSerializer.Serialize(new { EmailAddress = address, Reason = "BOUNCE" }));
        Assert.True(put.Status == 200, put.Body);
    }

    /// <summary>A v1 SendTemplatedEmail by B from <c>news@domain</c>, naming A's identity ARN.</summary>
    public static Task<SesApiResponse> V1TemplatedAsync(SesApiServer api, string domain, string to, string template, string? data, string? sourceArn = null) =>
        api.B.V1Async([("Action", "SendTemplatedEmail"), ("Source", $"news@{domain}"), ("SourceArn", sourceArn ?? Arn(domain)),
            ("Destination.ToAddresses.member.1", to), ("Template", template), .. data is null ? Array.Empty<(string, string)>() : [("TemplateData", data)]]);

    /// <summary>A v1 SendBulkTemplatedEmail by B: one destination per recipient, with its replacement data when not null.</summary>
    public static Task<SesApiResponse> V1BulkAsync(SesApiServer api, string domain, string template, string defaultData, params (string To, string? Data)[] entries)
    {
        var fields = new List<(string, string)>
        {
            ("Action", "SendBulkTemplatedEmail"), ("Source", $"news@{domain}"), ("SourceArn", Arn(domain)), ("Template", template), ("DefaultTemplateData", defaultData),
        };
        for (var i = 0; i < entries.Length; i++)
        {
            fields.Add(($"Destinations.member.{i + 1}.Destination.ToAddresses.member.1", entries[i].To));
            if (entries[i].Data is { } data)
            {
                fields.Add(($"Destinations.member.{i + 1}.ReplacementTemplateData", data));
            }
        }

        return api.B.V1Async([.. fields]);
    }

    /// <summary>A v2 SendEmail with <c>Content.Template</c> by B.</summary>
    public static Task<SesApiResponse> V2TemplatedAsync(SesApiServer api, string domain, string to, string template, string? data) =>
        api.B.V2Async(HttpMethod.Post, "/v2/email/outbound-emails", JsonSerializer.Serialize(new
        {
            FromEmailAddress = $"news@{domain}", FromEmailAddressIdentityArn = Arn(domain),
            Destination = new { ToAddresses = new[] { to } },
            Content = new { Template = new { TemplateName = template, TemplateData = data } },
        }));

    /// <summary>A v2 SendBulkEmail by B.</summary>
    public static Task<SesApiResponse> V2BulkAsync(SesApiServer api, string domain, string template, string defaultData, params (string To, string? Data)[] entries) =>
        api.B.V2Async(HttpMethod.Post, "/v2/email/outbound-bulk-emails", JsonSerializer.Serialize(new
        {
            FromEmailAddress = $"news@{domain}", FromEmailAddressIdentityArn = Arn(domain),
            DefaultContent = new { Template = new { TemplateName = template, TemplateData = defaultData } },
            BulkEmailEntries = entries.Select(e => new
            {
                Destination = new { ToAddresses = new[] { e.To } },
                ReplacementEmailContent = e.Data is null ? null : new { ReplacementTemplate = new { ReplacementTemplateData = e.Data } },
            }).ToArray(),
        }));

    /// <summary>The per-entry (Status, MessageId, Error) of a v1 or v2 bulk answer.</summary>
    public static List<(string Status, string? MessageId, string? Error)> Entries(SesApiResponse response, bool v1)
    {
        if (v1)
        {
            return [.. response.Xml.Descendants(SesApiTestClient.Ns + "member").Select(m => (
                m.Element(SesApiTestClient.Ns + "Status")!.Value,
                m.Element(SesApiTestClient.Ns + "MessageId")?.Value,
                m.Element(SesApiTestClient.Ns + "Error")?.Value))];
        }

        return [.. response.Json.GetProperty("BulkEmailEntryResults").EnumerateArray().Select(e => (
            e.GetProperty("Status").GetString()!,
            e.TryGetProperty("MessageId", out var id) ? id.GetString() : null,
            e.TryGetProperty("Error", out var error) ? error.GetString() : null))];
    }

    /// <summary>The MessageId of a single send's answer.</summary>
    public static string MessageId(SesApiResponse response, bool v1) =>
        v1 ? response.Xml.Descendants(SesApiTestClient.Ns + "MessageId").Single().Value : response.Json.GetProperty("MessageId").GetString()!;

    public static async Task<ConsoleDbContext> DbAsync(SesApiServer api) =>
        await api.Service<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(Ct);
}
