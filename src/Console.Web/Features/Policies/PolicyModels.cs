using SesConsole.Domain.Identities;

namespace SesConsole.Web.Features.Policies;

/// <summary>An identity (owned by the caller) with its sending authorization policies.</summary>
public sealed record IdentityPolicies(string IdentityName, string IdentityArn, string OwnerAccountId, SendingIdentityType Type, IReadOnlyList<IdentityPolicyView> Policies);

/// <summary>One stored policy: the text as the owner wrote it, who changed it last and when, and a summary in words.</summary>
public sealed record IdentityPolicyView(string Name, string Document, DateTimeOffset UpdatedAt, string UpdatedBy, PolicySummary Summary);

/// <summary>A saved policy plus the validator's warnings (they never block saving).</summary>
public sealed record PolicySaved(IdentityPolicyView Policy, IReadOnlyList<SesConsole.Domain.Policies.PolicyDiagnostic> Warnings);
