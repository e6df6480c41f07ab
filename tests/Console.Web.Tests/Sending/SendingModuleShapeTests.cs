using System.Reflection;
using SesConsole.Web.Sending;

namespace SesConsole.Web.Tests.Sending;

/// <summary>The sending module's shape (docs/send-pipeline.md#the-sending-module): dependencies by constructor, none looked up.</summary>
public sealed class SendingModuleShapeTests
{
    private static readonly Type[] EngineTypes = [.. typeof(SendService).Assembly.GetTypes()
        .Where(t => t.Namespace is { } ns && (ns == "SesConsole.Web.Sending" || ns.StartsWith("SesConsole.Web.Sending.", StringComparison.Ordinal)))];

    [Fact]
    public void The_engine_lives_in_SesConsole_Web_Sending_with_the_entry_recorder_and_writer()
    {
        Assert.Contains(typeof(SendService), EngineTypes);
        Assert.Contains(typeof(SendAttemptRecorder), EngineTypes);
        Assert.Contains(typeof(AcceptedMessageWriter), EngineTypes);
        Assert.DoesNotContain(typeof(SendService).Assembly.GetTypes(), t => t.Namespace == "SesConsole.Web.Features.Sending"
            && t.Name is "SendService" or "QuotaLedger" or "GroupCommitWriter" or "OutboxDelivery" or "SendingReadCache");
    }

    [Fact]
    public void No_engine_type_takes_an_IServiceProvider()
    {
        var lookups = EngineTypes
            .SelectMany(t => t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                .SelectMany(c => c.GetParameters()).Where(p => p.ParameterType == typeof(IServiceProvider)).Select(_ => t.FullName))
            .ToList();

        Assert.Empty(lookups);
    }
}
