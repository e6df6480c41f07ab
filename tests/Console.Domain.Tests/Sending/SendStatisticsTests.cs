using SesConsole.Domain.Sending;

namespace SesConsole.Domain.Tests.Sending;

public sealed class SendStatisticsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Bucket_SamplesInOneInterval_SummedPerKindAtTheIntervalStart()
    {
        var points = SendStatistics.Bucket(
        [
            new(Now.AddMinutes(-29), SendStatisticKind.DeliveryAttempt, 2),
            new(Now.AddMinutes(-16), SendStatisticKind.DeliveryAttempt, 3),
            new(Now.AddMinutes(-20), SendStatisticKind.Bounce, 1),
            new(Now.AddMinutes(-20), SendStatisticKind.Complaint, 1),
            new(Now.AddMinutes(-15), SendStatisticKind.Reject, 1),
        ], Now);

        Assert.Equal(
        [
            new SendDataPoint(Now.AddMinutes(-30), 5, 1, 1, 0),
            new SendDataPoint(Now.AddMinutes(-15), 0, 0, 0, 1),
        ], points);
    }

    [Fact]
    public void Bucket_OutsideTheTwoWeekWindowOrInTheFuture_LeftOut()
    {
        var points = SendStatistics.Bucket(
        [
            new(Now - SendStatistics.Window, SendStatisticKind.DeliveryAttempt, 1),
            new(Now.AddMinutes(1), SendStatisticKind.DeliveryAttempt, 1),
            new(Now - SendStatistics.Window + TimeSpan.FromSeconds(1), SendStatisticKind.Bounce, 4),
        ], Now);

        Assert.Equal([new SendDataPoint(Now - SendStatistics.Window, 0, 4, 0, 0)], points);
    }

    [Fact]
    public void Bucket_NonUtcOffsets_UseUtcIntervals()
    {
        var points = SendStatistics.Bucket([new(new DateTimeOffset(2026, 11, 28, 13, 50, 0, TimeSpan.FromHours(2)), SendStatisticKind.DeliveryAttempt, 1)], Now);

        Assert.Equal(new DateTimeOffset(2026, 11, 28, 11, 45, 0, TimeSpan.Zero), Assert.Single(points).Timestamp);
        Assert.Equal(TimeSpan.Zero, points[0].Timestamp.Offset);
    }
}
