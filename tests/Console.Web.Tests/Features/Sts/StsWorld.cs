using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SesConsole.Data;
using SesConsole.Data.Entities;
using SesConsole.Domain.Identities;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Features.Identities;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Tests.Features.Sts;

/// <summary>
/// The principals the STS tests use, created through the console's own services in the seeded demo world. Account A
/// (111111111111) has users alice, carol and dave (dave may assume the roles of his account by his own policy) and roles
/// named (trusts alice), account (trusts A's root), cross (trusts account B). Account B (222222222222) has the demo user
/// mailer and role sender (trusts mailer, may send); A's verified address news@sts.example lets role B/sender send.
/// </summary>
public sealed class StsWorld
{
    public const string A = "111111111111";
    public const string B = "222222222222";
    public const string From = "news@sts.example";
    public const string FromArn = $"arn:aws:ses:us-east-1:{A}:identity/{From}";
    public const string SenderRole = $"arn:aws:iam::{B}:role/sender";

    public static readonly Caller RootA = new("sts-a", "owner@example.com", A, null, $"arn:aws:iam::{A}:root", false);
    public static readonly Caller RootB = new("sts-b", "delegate@example.com", B, null, $"arn:aws:iam::{B}:root", false);

    private readonly Dictionary<string, NewAccessKey> _keys = [];

    private StsWorld()
    {
    }

    /// <summary>The access key of <c>root-a</c>, <c>root-b</c>, <c>alice</c>, <c>carol</c>, <c>dave</c> or <c>mailer</c> (account B).</summary>
    public NewAccessKey Key(string who) => _keys[who];

    public static string RoleArn(string account, string name) => $"arn:aws:iam::{account}:role/{name}";

    public static async Task<StsWorld> CreateAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var sp = scope.ServiceProvider;
        var iam = sp.GetRequiredService<IamService>();
        var keys = sp.GetRequiredService<AccessKeysService>();
        var ct = TestContext.Current.CancellationToken;
        var world = new StsWorld();
        world._keys["root-a"] = (await keys.CreateAsync(RootA, null, ct)).Value!;
        world._keys["root-b"] = (await keys.CreateAsync(RootB, null, ct)).Value!;
        foreach (var user in new[] { "alice", "carol", "dave" })
        {
            Ok(await iam.CreateAsync(RootA, IamPrincipalType.User, user, null, ct));
            world._keys[user] = (await keys.CreateAsync(RootA, user, ct)).Value!;
        }

        world._keys["mailer"] = (await keys.CreateAsync(RootB, "mailer", ct)).Value!;
        Ok(await iam.PutPolicyAsync(RootA, IamPrincipalType.User, "dave", "AssumeOwnRoles", $$"""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::{{A}}:role/*"}]}
            """, ct: ct));

        await RoleAsync(iam, RootA, "named", $"arn:aws:iam::{A}:user/alice");
        await RoleAsync(iam, RootA, "account", $"arn:aws:iam::{A}:root");
        await RoleAsync(iam, RootA, "cross", B);
        await RoleAsync(iam, RootB, "sender", $"arn:aws:iam::{B}:user/mailer");
        Ok(await iam.PutPolicyAsync(RootB, IamPrincipalType.Role, "sender", "Send", """
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:Send*", "Resource": "*"}]}
            """, ct: ct));

        Ok(await sp.GetRequiredService<IdentitiesService>().CreateEmailAsync(RootA, "us-east-1", From, new Uri("http://localhost/"), ct));
        await using (var db = await sp.GetRequiredService<IDbContextFactory<ConsoleDbContext>>().CreateDbContextAsync(ct))
        {
            await db.SendingIdentities.Where(i => i.Name == From)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.VerificationStatus, VerificationStatus.Success), ct);
        }

        Ok(await sp.GetRequiredService<IdentityPoliciesService>().SaveAsync(RootA, "us-east-1", From, null, "RoleMaySend", $$"""
            {"Version": "2012-10-17", "Statement": [{"Sid": "SenderRole", "Effect": "Allow", "Principal": {"AWS": "{{SenderRole}}"},
              "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "{{FromArn}}"}]}
            """, ct));
        return world;
    }

    /// <summary>Creates a role whose trust policy allows <paramref name="trusted"/> to assume it.</summary>
    public static async Task RoleAsync(IamService iam, Caller root, string name, string trusted)
    {
        ArgumentNullException.ThrowIfNull(iam);
        ArgumentNullException.ThrowIfNull(root);
        var ct = TestContext.Current.CancellationToken;
        Ok(await iam.CreateAsync(root, IamPrincipalType.Role, name, null, ct));
        Ok(await iam.PutTrustPolicyAsync(root, name, $$"""
            {"Version": "2012-10-17", "Statement": [{"Sid": "Trust", "Effect": "Allow", "Principal": {"AWS": "{{trusted}}"}, "Action": "sts:AssumeRole"}]}
            """, ct));
    }

    private static void Ok<T>(SesConsole.Domain.Primitives.Result<T> result) => Assert.True(result.IsSuccess, result.Error?.Message);

    private static void Ok(SesConsole.Domain.Primitives.Result result) => Assert.True(result.IsSuccess, result.Error?.Message);
}

/// <summary>One console on a real Kestrel port with the <see cref="StsWorld"/>, shared by a test class.</summary>
public sealed class StsServer : IAsyncLifetime
{
    public Shared.KestrelConsoleAppFactory Server { get; } = new();

    public StsWorld World { get; private set; } = null!;

    public string BaseUrl => Server.BaseUrl;

    public IServiceProvider Services => Server.App.Services;

    /// <summary>A client signing with the long-term key of <paramref name="who"/> (see <see cref="StsWorld.Key"/>).</summary>
    public AwsTestClient Client(string who) => new(BaseUrl, World.Key(who).Id, World.Key(who).Secret);

    public async ValueTask InitializeAsync()
    {
        Server.Start();
        World = await StsWorld.CreateAsync(Services);
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
