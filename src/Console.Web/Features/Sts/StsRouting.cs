using Microsoft.AspNetCore.Routing.Matching;

namespace SesConsole.Web.Features.Sts;

/// <summary>Endpoint metadata: the endpoint serves only requests whose SigV4 credential scope names <see cref="Service"/>.</summary>
public sealed record SigningServiceMetadata(string Service);

/// <summary>
/// Routing for the path STS and SNS share with the SES v1 API (<c>POST /</c>): an endpoint carrying
/// <see cref="SigningServiceMetadata"/> for <c>sts</c> or <c>sns</c> stays a candidate only for a request signed for that
/// service, so the signature's service picks the API before any filter or handler runs (docs/sts.md#the-endpoint,
/// docs/notifications.md#sns-api).
/// </summary>
public sealed class StsRouting : MatcherPolicy, IEndpointSelectorPolicy
{
    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.Any(e => e.Metadata.GetMetadata<SigningServiceMetadata>() is not null);
    }

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(candidates);
        string? signed = null;
        var known = false;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && candidates[i].Endpoint.Metadata.GetMetadata<SigningServiceMetadata>() is { } required)
            {
                if (!known)
                {
                    signed = SigningServiceOf(httpContext.Request);
                    known = true;
                }

                if (required.Service != signed)
                {
                    candidates.SetValidity(i, false);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The API a request at <c>POST /</c> is for: <c>sts</c> or <c>sns</c> when its signature is scoped to that service
    /// (an unsigned SNS <c>ConfirmSubscription</c>, which SNS answers without a signature, counts as <c>sns</c>); null for
    /// everything else, which is SES's.
    /// </summary>
    public static string? SigningServiceOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (StsEndpoints.IsStsRequest(request))
        {
            return StsEndpoints.SigningName;
        }

        return Sns.SnsEndpoints.IsSnsRequest(request) ? Sns.SnsEndpoints.SigningName : null;
    }
}
