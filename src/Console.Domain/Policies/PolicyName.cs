using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Policies;

/// <summary>
/// The name of a sending authorization policy: 1 to 64 characters from <c>[A-Za-z0-9_-]</c> (botocore shape
/// <c>PolicyName</c>). Error messages are the ones SES returns (docs/ses-behaviour.md#policy-limits).
/// </summary>
/// <remarks>Equality is ordinal (names are case-sensitive). The default value is not valid; use <see cref="Parse"/>.</remarks>
public readonly record struct PolicyName
{
    public const int MaxLength = 64;

    private PolicyName(string value) => Value = value;

    public string Value { get; }

    public static Result<PolicyName> Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Result<PolicyName>.Failure("policy_name.required", "PolicyName is required.");
        }

        if (text.Length > MaxLength)
        {
            return Result<PolicyName>.Failure("policy_name.too_long",
                "1 validation error detected: Value at 'policyName' failed to satisfy constraint: Member must have length less than or equal to 64");
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return Result<PolicyName>.Failure("policy_name.invalid",
                    "PolicyName is invalid. Policy names must only include alpha-numeric characters, dashes, and underscores.");
            }
        }

        return new PolicyName(text);
    }

    public override string ToString() => Value ?? "";
}

/// <summary>The SES limits on sending authorization policies (docs/ses-behaviour.md#policy-limits).</summary>
public static class PolicyLimits
{
    /// <summary>At most 20 policies per identity.</summary>
    public const int MaxPoliciesPerIdentity = 20;

    /// <summary>Policy text at most 4 KB, counted as UTF-8 bytes.</summary>
    public const int MaxPolicyBytes = 4096;

    /// <summary>
    /// Whether one more policy may be added to <paramref name="identity"/> that already has <paramref name="currentCount"/>
    /// (overwriting an existing name does not add one; the caller passes the count excluding it).
    /// </summary>
    public static Result CheckCanAddPolicy(string identity, int currentCount) =>
        currentCount < MaxPoliciesPerIdentity
            ? Result.Success()
            : Result.Failure("policy.limit_exceeded",
                $"Number of policies for {identity} exceeds max allowed number of policies per resource");
}
