using SesConsole.Domain.Identities;

namespace SesConsole.Domain.Tests.Identities;

public sealed class VerificationTransitionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan H72 = TimeSpan.FromHours(72);

    [Fact]
    public void Pending_found_becomes_success_now()
    {
        var now = T0.AddMinutes(10);

        Assert.Equal(new VerificationState(VerificationStatus.Success, now), DomainVerification.Next(VerificationStatus.Pending, T0, true, now));
    }

    [Fact]
    public void Pending_not_found_stays_pending_until_72_hours_then_fails_at_exactly_72_hours()
    {
        var justBefore = T0 + H72 - TimeSpan.FromTicks(1);

        Assert.Equal(new VerificationState(VerificationStatus.Pending, T0), DomainVerification.Next(VerificationStatus.Pending, T0, false, justBefore));
        Assert.Equal(new VerificationState(VerificationStatus.Failed, T0 + H72), DomainVerification.Next(VerificationStatus.Pending, T0, false, T0 + H72));
    }

    [Fact]
    public void Success_found_stays_success_with_its_original_since()
    {
        Assert.Equal(new VerificationState(VerificationStatus.Success, T0), DomainVerification.Next(VerificationStatus.Success, T0, true, T0.AddDays(30)));
    }

    [Fact]
    public void Success_record_gone_is_temporary_failure_and_back_to_success_when_it_returns()
    {
        var gone = T0.AddDays(10);
        var temporary = DomainVerification.Next(VerificationStatus.Success, T0, false, gone);
        Assert.Equal(new VerificationState(VerificationStatus.TemporaryFailure, gone), temporary);

        var stillGone = DomainVerification.Next(temporary.Status, temporary.Since, false, gone.AddHours(71));
        Assert.Equal(temporary, stillGone);

        var back = gone.AddHours(71.5);
        Assert.Equal(new VerificationState(VerificationStatus.Success, back), DomainVerification.Next(temporary.Status, temporary.Since, true, back));
    }

    [Fact]
    public void Temporary_failure_fails_after_72_more_hours_without_the_record()
    {
        var gone = T0.AddDays(10);

        Assert.Equal(new VerificationState(VerificationStatus.Failed, gone + H72), DomainVerification.Next(VerificationStatus.TemporaryFailure, gone, false, gone + H72));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Failed_and_not_started_never_change(bool found)
    {
        Assert.Equal(new VerificationState(VerificationStatus.Failed, T0), DomainVerification.Next(VerificationStatus.Failed, T0, found, T0.AddDays(9)));
        Assert.Equal(new VerificationState(VerificationStatus.NotStarted, T0), DomainVerification.Next(VerificationStatus.NotStarted, T0, found, T0.AddDays(9)));
    }

    [Theory]
    [InlineData(VerificationStatus.Pending)]
    [InlineData(VerificationStatus.Success)]
    [InlineData(VerificationStatus.TemporaryFailure)]
    [InlineData(VerificationStatus.Failed)]
    public void Lookup_failure_changes_nothing_even_past_the_deadline(VerificationStatus status)
    {
        var state = new VerificationState(status, T0);

        Assert.Equal(state, DnsVerification.Next(state, DnsCheck.LookupFailed, T0 + H72 + H72));
        Assert.Equal(state, DkimVerification.Next(status, T0, DnsCheck.LookupFailed, T0 + H72 + H72));
        Assert.Equal(state, MailFromVerification.Next(status, T0, DnsCheck.LookupFailed, T0 + H72 + H72));
    }

    [Fact]
    public void Dkim_and_mail_from_follow_the_same_machine()
    {
        Assert.Equal(VerificationStatus.Success, DkimVerification.Next(VerificationStatus.Pending, T0, DnsCheck.Found, T0.AddHours(1)).Status);
        Assert.Equal(VerificationStatus.Failed, DkimVerification.Next(VerificationStatus.Pending, T0, DnsCheck.NotFound, T0 + H72).Status);
        Assert.Equal(VerificationStatus.TemporaryFailure, MailFromVerification.Next(VerificationStatus.Success, T0, DnsCheck.NotFound, T0.AddHours(1)).Status);
        Assert.Equal(VerificationStatus.Failed, MailFromVerification.Next(VerificationStatus.TemporaryFailure, T0, DnsCheck.NotFound, T0 + H72).Status);
    }

    [Fact]
    public void Email_link_expires_after_24_hours()
    {
        var day = EmailVerification.LinkLifetime;

        Assert.Equal(new VerificationState(VerificationStatus.Pending, T0), EmailVerification.Next(VerificationStatus.Pending, T0, T0 + day - TimeSpan.FromTicks(1)));
        Assert.Equal(new VerificationState(VerificationStatus.Failed, T0 + day), EmailVerification.Next(VerificationStatus.Pending, T0, T0 + day));
        Assert.Equal(new VerificationState(VerificationStatus.Success, T0), EmailVerification.Next(VerificationStatus.Success, T0, T0.AddDays(5)));
    }

    [Fact]
    public void Email_confirm_within_24_hours_succeeds_and_after_is_an_error()
    {
        var confirmed = EmailVerification.Confirm(VerificationStatus.Pending, T0, T0.AddHours(23)).GetValueOrThrow();
        Assert.Equal(new VerificationState(VerificationStatus.Success, T0.AddHours(23)), confirmed);

        var late = EmailVerification.Confirm(VerificationStatus.Pending, T0, T0.AddHours(24));
        Assert.Equal("identity.verification_link_expired", late.Error!.Code);
        Assert.False(EmailVerification.Confirm(VerificationStatus.Failed, T0, T0.AddHours(1)).IsSuccess);
    }

    [Theory]
    [InlineData(new[] { DnsCheck.Found, DnsCheck.Found, DnsCheck.Found }, DnsCheck.Found, DnsCheck.Found)]
    [InlineData(new[] { DnsCheck.Found, DnsCheck.NotFound, DnsCheck.LookupFailed }, DnsCheck.NotFound, DnsCheck.Found)]
    [InlineData(new[] { DnsCheck.Found, DnsCheck.LookupFailed }, DnsCheck.LookupFailed, DnsCheck.Found)]
    [InlineData(new[] { DnsCheck.NotFound, DnsCheck.LookupFailed }, DnsCheck.NotFound, DnsCheck.LookupFailed)]
    [InlineData(new[] { DnsCheck.NotFound }, DnsCheck.NotFound, DnsCheck.NotFound)]
    [InlineData(new DnsCheck[0], DnsCheck.NotFound, DnsCheck.NotFound)]
    public void Combining_checks(DnsCheck[] checks, DnsCheck all, DnsCheck any)
    {
        Assert.Equal(all, DnsChecks.All(checks));
        Assert.Equal(any, DnsChecks.Any(checks));
    }
}
