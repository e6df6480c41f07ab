using System.Text;
using SesConsole.Domain.Authorization;
using SesConsole.Domain.Identities;
using SesConsole.Domain.Policies;
using SesConsole.Domain.Principals;
using SesConsole.Domain.Sending;
using SesConsole.Domain.Tests.Policies;

namespace SesConsole.Domain.Tests.Sending;

/// <summary>
/// A small world: owner 888888888888 verified example.com in us-east-1 (DKIM on) and granted account 123456789012 ses:Send*;
/// the delegate's user Alice may ses:Send* on *; the delegate verified delegate.example.net. Nobody is in the sandbox.
/// </summary>
internal sealed class SendWorld
{
    public const string Region = "us-east-1";
    public const string Owner = "888888888888";
    public const string DelegateAccount = "123456789012";
    public const string OwnerDomainArn = "arn:aws:ses:us-east-1:888888888888:identity/example.com";
    public const string AliceArn = "arn:aws:iam::123456789012:user/Alice";

    public static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public SendWorld()
    {
        GrantDelegate = TestPolicies.Resource("grant-delegate", TestPolicies.Document(
            TestPolicies.Statement("AuthorizeDelegate", "Allow", """{"AWS": "123456789012"}""", "ses:Send*")));
        Identities.Add(Identity(OwnerDomainArn, [GrantDelegate], dkim: true));
        Identities.Add(Identity($"arn:aws:ses:{Region}:{DelegateAccount}:identity/delegate.example.net", []));
        CallerPolicies.Policies[AliceArn] = new CompiledPolicySet([TestPolicies.IdentityBased("alice",
            """{"Statement": [{"Sid": "SendAnything", "Effect": "Allow", "Action": "ses:Send*", "Resource": "*"}]}""")]);
        Accounts.Set(Owner);
        Accounts.Set(DelegateAccount);
        Accounts.Set("999999999999");
    }

    public CompiledPolicy GrantDelegate { get; }

    public FakeIdentityDirectory Identities { get; } = new();

    public FakeCallerPolicies CallerPolicies { get; } = new();

    public FakeAccounts Accounts { get; } = new();

    public FakeQuota Quota { get; } = new();

    public FakeSuppressionList Suppression { get; } = new();

    public FakeConfigurationSets ConfigurationSets { get; } = new();

    public SendPipelineOptions Options { get; set; } = new() { NewGuid = () => new Guid("11111111-2222-3333-4444-555555555555") };

    public FakeReturnAddresses ReturnAddresses { get; } = new();

    public SendPipelinePorts Ports => new(Identities, CallerPolicies, Accounts, Quota, Suppression, new FakeMimeParser())
    {
        ConfigurationSets = ConfigurationSets, ReturnAddresses = ReturnAddresses,
    };

    public SendPipeline Pipeline => new(Ports, Options);

    public static SendCaller Alice => new(RequestPrincipal.ForArn(PrincipalArn.Parse(AliceArn).GetValueOrThrow()), SourceIp: "192.0.2.10");

    public static SendCaller Root(string account) => new(RequestPrincipal.ForAccount(AccountId.Parse(account).GetValueOrThrow()), SourceIp: "192.0.2.10");

    public static SendingIdentity Identity(string arn, IEnumerable<CompiledPolicy> policies, bool dkim = false,
        VerificationStatus status = VerificationStatus.Success, MailFromSetting? mailFrom = null, DateTimeOffset? since = null)
    {
        var parsed = IdentityArn.Parse(arn).GetValueOrThrow();
        var name = SendingIdentityName.Parse(parsed.IdentityName).GetValueOrThrow();
        return new SendingIdentity(parsed, name, status, new CompiledPolicySet(policies), dkim,
            dkim && name.IsDomain ? new DkimKeyReference(name.Domain, "sel1") : null, mailFrom) { StatusSince = since ?? Now.AddHours(-1) };
    }

    /// <summary>A resource policy compiled for <paramref name="identityArn"/>.</summary>
    public static CompiledPolicy PolicyFor(string identityArn, string name, string json)
    {
        var validated = PolicyValidator.ValidateResourcePolicy(json, IdentityArn.Parse(identityArn).GetValueOrThrow(), FakePrincipalDirectory.Standard());
        Assert.True(validated.IsValid, string.Join("; ", validated.Diagnostics));
        return PolicyCompiler.Compile(name, validated).GetValueOrThrow();
    }

    public static SendRequest Simple(SendCaller caller, string source, string? sourceArn, params string[] to) =>
        new(caller, SendApi.V1SendEmail, Region, Now, new SimpleContent(to, Subject: "Hello", TextBody: "Hi"))
        {
            Source = source,
            SourceArn = sourceArn,
        };

    public static SendRequest Raw(SendCaller caller, string headers, SendApi api = SendApi.V1SendRawEmail) =>
        new(caller, api, Region, Now, new RawContent(Encoding.UTF8.GetBytes(headers.ReplaceLineEndings("\r\n").Trim() + "\r\n\r\nBody\r\n")));

    public SendContext Context(SendRequest request) => new(request, Ports, Options);

    /// <summary>Runs the steps before <paramref name="stepName"/>, asserting they pass, and returns the context for it.</summary>
    public async Task<SendContext> ContextBefore(SendRequest request, string stepName)
    {
        var context = Context(request);
        foreach (var step in Pipeline.Steps.TakeWhile(s => s.Name != stepName))
        {
            var result = await step.RunAsync(context, TestContext.Current.CancellationToken);
            Assert.True(result.IsContinue, $"{step.Name}: {result.Summary}");
        }

        return context;
    }

    public Task<SendOutcome> Run(SendRequest request) => Pipeline.RunAsync(request, TestContext.Current.CancellationToken);
}
