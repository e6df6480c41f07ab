using Microsoft.AspNetCore.Routing.Matching;

namespace SesConsole.Web.Features.Sts;

/// <summary>Endpoint metadata: the endpoint serves only requests whose SigV4 credential scope names <see cref="Service"/>.</summary>
public sealed record SigningServiceMetadata(string Service);

/// <summary>
/// Routing for the path STS shares with the SES v1 API (<c>POST /</c>): an endpoint carrying
/// <see cref="SigningServiceMetadata"/> for <c>sts</c> stays a candidate only for a request signed for <c>sts</c>, so the
/// signature's service picks the API before any filter or handler runs (docs/sts.md#the-endpoint).
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
        bool? sts = null;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && candidates[i].Endpoint.Metadata.GetMetadata<SigningServiceMetadata>() is { } required)
            {
                sts ??= StsEndpoints.IsStsRequest(httpContext.Request);
                if (required.Service != StsEndpoints.SigningName || !sts.Value)
                {
                    candidates.SetValidity(i, false);
                }
            }
        }

        return Task.CompletedTask;
    }
}
