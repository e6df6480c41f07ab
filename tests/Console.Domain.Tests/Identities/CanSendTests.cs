using SesConsole.Domain.Identities;
using SesConsole.Domain.Sending;
using static SesConsole.Domain.Tests.Sending.SendWorld;

namespace SesConsole.Domain.Tests.Identities;

/// <summary><see cref="VerificationState.CanSendAt"/>: the one "can this identity send now?" rule, and the pipeline following it.</summary>
public sealed class CanSendTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan H72 = TimeSpan.FromHours(72);

    [Theory]
    [InlineData(VerificationStatus.NotStarted, 1, false)]
    [InlineData(VerificationStatus.Pending, 1, false)]
    [InlineData(VerificationStatus.Success, 1, true)]
    [InlineData(VerificationStatus.Success, 10_000, true)]
    [InlineData(VerificationStatus.TemporaryFailure, 1, true)]
    [InlineData(VerificationStatus.TemporaryFailure, 71, true)]
    [InlineData(VerificationStatus.TemporaryFailure, 72, false)]
    [InlineData(VerificationStatus.TemporaryFailure, 500, false)]
    [InlineData(VerificationStatus.Failed, 1, false)]
    public void CanSendAt_SuccessOrTemporaryFailureInsideItsWindow(VerificationStatus status, int hoursLater, bool canSend)
    {
        Assert.Equal(canSend, new VerificationState(status, T0).CanSendAt(T0.AddHours(hoursLater)));
    }

    [Fact]
    public void AsOf_TemporaryFailurePastItsWindow_IsFailedFromTheEndOfTheWindow()
    {
        var state = new VerificationState(VerificationStatus.TemporaryFailure, T0);

        Assert.Equal(state, state.AsOf(T0 + H72 - TimeSpan.FromTicks(1)));
        Assert.Equal(new VerificationState(VerificationStatus.Failed, T0 + H72), state.AsOf(T0 + H72));
        Assert.Equal(new VerificationState(VerificationStatus.Failed, T0 + H72), state.AsOf(T0.AddDays(30)));
    }

    [Theory]
    [InlineData(VerificationStatus.NotStarted)]
    [InlineData(VerificationStatus.Pending)]
    [InlineData(VerificationStatus.Success)]
    [InlineData(VerificationStatus.Failed)]
    public void AsOf_OtherStatesAreUnchangedByTheClock(VerificationStatus status)
    {
        var state = new VerificationState(status, T0);

        Assert.Equal(state, state.AsOf(T0.AddDays(30)));
    }

    [Theory]
    [InlineData(VerificationStatus.Pending, 1, false)]
    [InlineData(VerificationStatus.Success, 1, true)]
    [InlineData(VerificationStatus.TemporaryFailure, 1, true)]
    [InlineData(VerificationStatus.TemporaryFailure, 73, false)]
    [InlineData(VerificationStatus.Failed, 1, false)]
    public async Task Pipeline_SendsFromAnIdentityExactlyWhenItCanSend(VerificationStatus status, int hoursAgo, bool canSend)
    {
        var world = new Sending.SendWorld();
        world.Identities.Identities.Clear();
        world.Identities.Add(Identity(OwnerDomainArn, [world.GrantDelegate], status: status, since: Now.AddHours(-hoursAgo)));

        var outcome = await world.Run(Simple(Alice, "sender@example.com", OwnerDomainArn, "to@example.org"));

        Assert.Equal(canSend, world.Identities.Identities.Values.Single().Single().CanSendAt(Now));
        Assert.Equal(canSend, outcome.IsAccepted);
        if (!canSend)
        {
            Assert.Equal("identities", outcome.Rejection!.Step);
            Assert.Equal("MessageRejected", outcome.Rejection.V1.Code);
            Assert.Contains($"Covering identities that cannot send now: example.com ({status}",
                string.Join("\n", outcome.Trace.Single(t => t.Step == "identities").Details ?? []), StringComparison.Ordinal);
        }
    }
}
