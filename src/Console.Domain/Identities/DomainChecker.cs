namespace SesConsole.Domain.Identities;

/// <summary>What one record's check found, for the identity page ("check now") and the logs.</summary>
public sealed record RecordCheckResult(DnsRecord Record, DnsCheck Check, string Detail);

/// <summary>The statuses after one check of a domain identity, and what each record's lookup showed.</summary>
public sealed record DomainCheckResult(
    VerificationState Verification,
    VerificationState Dkim,
    VerificationState MailFrom,
    IReadOnlyList<RecordCheckResult> Records);

/// <summary>
/// Checks a domain identity's published records and computes its new statuses. Used by the background re-check and
/// by the "check now" button; it reads no clock (the caller passes <c>now</c>) and stores nothing.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Verification: the <c>_amazonses</c> TXT record holds the token, <em>or</em> all DKIM records are found (SES
/// verifies a domain through Easy DKIM without the TXT record).</item>
/// <item>DKIM: every selector's record is found. TXT mode: a TXT record whose <c>p=</c> is the key we hold (compared as
/// RSA keys). CNAME mode: a CNAME pointing at <c>SELECTOR.ZONE</c> <em>and</em> the key published there by the
/// installation (receivers read the key through the CNAME, so a CNAME into an empty zone does not make DKIM work); or,
/// instead of the CNAME, the key TXT record itself (what TXT mode asked for, so domains verified before a switch to
/// CNAME mode keep verifying).</item>
/// <item>MAIL FROM: exactly one MX record, pointing at the configured host (several MX records fail, as in SES), and a
/// TXT record starting with <c>v=spf1</c>.</item>
/// <item>A status that is NotStarted or Failed is not looked up; a failed lookup leaves a status unchanged.</item>
/// </list>
/// </remarks>
public sealed class DomainChecker(IDnsLookup dns, DnsRecordOptions options)
{
    public async Task<DomainCheckResult> CheckAsync(DomainIdentitySnapshot identity, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var set = DnsRecordSet.For(identity, options);
        var results = new List<RecordCheckResult>();

        var dkimRecords = set.Records.Where(r => r.Purpose == DnsRecordPurpose.Dkim).ToList();
        var mustCheckDkim = dkimRecords.Count > 0 && (IsLive(identity.Dkim.Status) || IsLive(identity.Verification.Status));
        var dkimCheck = DnsCheck.NotFound;
        if (mustCheckDkim)
        {
            var checks = new List<DnsCheck>();
            foreach (var record in dkimRecords)
            {
                var selector = record.Name[..record.Name.IndexOf("._domainkey.", StringComparison.OrdinalIgnoreCase)];
                var key = identity.DkimKeys.First(k => string.Equals(k.Selector, selector, StringComparison.OrdinalIgnoreCase));
                var result = record.Type == DnsRecordType.Cname
                    ? await CheckCnameAsync(record, key.PublicKey, cancellationToken).ConfigureAwait(false)
                    : await CheckDkimTxtAsync(record, key.PublicKey, cancellationToken).ConfigureAwait(false);
                results.Add(result);
                checks.Add(result.Check);
            }

            dkimCheck = DnsChecks.All(checks);
        }

        var verification = identity.Verification;
        if (IsLive(verification.Status))
        {
            var checks = new List<DnsCheck>();
            var txt = set.Records.FirstOrDefault(r => r.Purpose == DnsRecordPurpose.Verification);
            if (txt is not null)
            {
                var result = await CheckTokenAsync(txt, cancellationToken).ConfigureAwait(false);
                results.Add(result);
                checks.Add(result.Check);
            }

            if (mustCheckDkim)
            {
                checks.Add(dkimCheck);
            }

            verification = DomainVerification.Next(verification.Status, verification.Since, DnsChecks.Any(checks), now);
        }

        var dkim = identity.Dkim;
        if (mustCheckDkim && IsLive(dkim.Status))
        {
            dkim = DkimVerification.Next(dkim.Status, dkim.Since, dkimCheck, now);
        }

        var mailFrom = identity.MailFrom;
        var mx = set.Records.FirstOrDefault(r => r.Purpose == DnsRecordPurpose.MailFromMx);
        var spf = set.Records.FirstOrDefault(r => r.Purpose == DnsRecordPurpose.MailFromSpf);
        if (mx is not null && spf is not null && IsLive(mailFrom.Status))
        {
            var mxResult = await CheckMxAsync(mx, options.MxHostFor(identity.Region), cancellationToken).ConfigureAwait(false);
            var spfResult = await CheckSpfAsync(spf, cancellationToken).ConfigureAwait(false);
            results.Add(mxResult);
            results.Add(spfResult);
            mailFrom = MailFromVerification.Next(mailFrom.Status, mailFrom.Since, DnsChecks.All([mxResult.Check, spfResult.Check]), now);
        }

        return new DomainCheckResult(verification, dkim, mailFrom, results);
    }

    private static bool IsLive(VerificationStatus status) =>
        status is VerificationStatus.Pending or VerificationStatus.Success or VerificationStatus.TemporaryFailure;

    private async Task<RecordCheckResult> CheckTokenAsync(DnsRecord record, CancellationToken cancellationToken)
    {
        var answer = await dns.TxtAsync(record.Name, cancellationToken).ConfigureAwait(false);
        return Evaluate(record, answer, values => values.Any(v => string.Equals(DkimRecord.Unquote(v).Trim(), record.Value, StringComparison.Ordinal)),
            "a TXT record with another value");
    }

    private async Task<RecordCheckResult> CheckDkimTxtAsync(DnsRecord record, string publicKey, CancellationToken cancellationToken)
    {
        var answer = await dns.TxtAsync(record.Name, cancellationToken).ConfigureAwait(false);
        return Evaluate(record, answer, values => values.Any(v => DkimRecord.PublishesKey(v, publicKey)),
            "a TXT record whose p= is not this identity's public key");
    }

    private async Task<RecordCheckResult> CheckCnameAsync(DnsRecord record, string publicKey, CancellationToken cancellationToken)
    {
        var answer = await dns.CnameAsync(record.Name, cancellationToken).ConfigureAwait(false);
        if (answer.Outcome == DnsLookupOutcome.NotFound)
        {
            // No CNAME: the key TXT record itself at the name serves receivers just as well (TXT mode's record).
            var direct = await dns.TxtAsync(record.Name, cancellationToken).ConfigureAwait(false);
            if (direct.Outcome == DnsLookupOutcome.Found && direct.Records.Any(v => DkimRecord.PublishesKey(v, publicKey)))
            {
                return new RecordCheckResult(record, DnsCheck.Found, "found the key TXT record itself instead of the CNAME");
            }

            return direct.Outcome == DnsLookupOutcome.Failed
                ? new RecordCheckResult(record, DnsCheck.LookupFailed, $"lookup failed: {direct.Detail}")
                : new RecordCheckResult(record, DnsCheck.NotFound, $"not found: {answer.Detail}");
        }

        var cname = Evaluate(record, answer, values => values.Any(v => SameHost(v, record.Value)),
            $"a CNAME to {string.Join(", ", answer.Records)}, not {record.Value}");
        if (cname.Check != DnsCheck.Found)
        {
            return cname;
        }

        // The CNAME is right; receivers then read the key at its target, which the installation publishes in its zone.
        var key = await dns.TxtAsync(record.Value, cancellationToken).ConfigureAwait(false);
        return key.Outcome switch
        {
            DnsLookupOutcome.Failed => new RecordCheckResult(record, DnsCheck.LookupFailed, $"the CNAME is right; the lookup of {record.Value} failed: {key.Detail}"),
            DnsLookupOutcome.Found when key.Records.Any(v => DkimRecord.PublishesKey(v, publicKey)) => new RecordCheckResult(record, DnsCheck.Found, "found"),
            _ => new RecordCheckResult(record, DnsCheck.NotFound,
                $"the CNAME is right, but {record.Value} does not publish this identity's key yet: the installation's operator publishes it (Admin → DKIM zone)"),
        };
    }

    private async Task<RecordCheckResult> CheckMxAsync(DnsRecord record, string expectedHost, CancellationToken cancellationToken)
    {
        var answer = await dns.MxAsync(record.Name, cancellationToken).ConfigureAwait(false);
        if (answer.Outcome == DnsLookupOutcome.Found && answer.Records.Count > 1)
        {
            return new RecordCheckResult(record, DnsCheck.NotFound,
                $"{answer.Records.Count} MX records ({string.Join(", ", answer.Records)}); exactly one is allowed");
        }

        return Evaluate(record, answer, values => SameHost(values[0].Exchange, expectedHost),
            $"an MX record to {string.Join(", ", answer.Records.Select(r => r.Exchange))}, not {expectedHost}");
    }

    private async Task<RecordCheckResult> CheckSpfAsync(DnsRecord record, CancellationToken cancellationToken)
    {
        var answer = await dns.TxtAsync(record.Name, cancellationToken).ConfigureAwait(false);
        return Evaluate(record, answer,
            values => values.Any(v => DkimRecord.Unquote(v).TrimStart().StartsWith("v=spf1", StringComparison.OrdinalIgnoreCase)),
            "TXT records, but none starting with v=spf1");
    }

    private static RecordCheckResult Evaluate<T>(DnsRecord record, DnsLookupResult<T> answer, Func<IReadOnlyList<T>, bool> matches, string mismatch) =>
        answer.Outcome switch
        {
            DnsLookupOutcome.Failed => new RecordCheckResult(record, DnsCheck.LookupFailed, $"lookup failed: {answer.Detail}"),
            DnsLookupOutcome.NotFound => new RecordCheckResult(record, DnsCheck.NotFound, $"not found: {answer.Detail}"),
            _ when matches(answer.Records) => new RecordCheckResult(record, DnsCheck.Found, "found"),
            _ => new RecordCheckResult(record, DnsCheck.NotFound, $"found {mismatch}"),
        };

    private static bool SameHost(string a, string b) => string.Equals(a.TrimEnd('.'), b.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);
}
