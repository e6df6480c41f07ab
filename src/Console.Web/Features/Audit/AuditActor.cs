using SesConsole.Data.Entities;

namespace SesConsole.Web.Features.Audit;

/// <summary>
/// Who is acting in this scope, and how (docs/audit-log.md#who-and-how): the console by default (a signed-in user; the
/// source address is the request's when one is at hand), the SES API once <see cref="Api.SesApiAuthentication"/> has
/// verified a signature (the access key ID and the client's address), the provisioning file, or a background worker.
/// Scoped: one per request or Blazor circuit; a worker creates its own scope and calls <see cref="UseSystem"/>.
/// </summary>
public sealed class AuditActor(IHttpContextAccessor? http = null)
{
    private string? _sourceIp;
    private bool _sourceIpSet;

    /// <summary><see cref="AuditVia"/>: <c>console</c>, <c>api</c>, <c>provisioning</c> or <c>system</c>.</summary>
    public string Via { get; private set; } = AuditVia.Console;

    /// <summary>The access key ID that signed an API request; null otherwise (the console uses the user name).</summary>
    public string? AccessKeyId { get; private set; }

    /// <summary>The client's address, where known.</summary>
    public string? SourceIp => _sourceIpSet ? _sourceIp : http?.HttpContext?.Connection.RemoteIpAddress?.ToString();

    /// <summary>An SES API (or STS/SNS) request signed with <paramref name="accessKeyId"/>.</summary>
    public void UseApi(string accessKeyId, string? sourceIp)
    {
        (Via, AccessKeyId) = (AuditVia.Api, accessKeyId);
        (_sourceIp, _sourceIpSet) = (sourceIp, true);
    }

    /// <summary>The provisioning file (<c>--provision</c>).</summary>
    public void UseProvisioning()
    {
        (Via, AccessKeyId) = (AuditVia.Provisioning, null);
        (_sourceIp, _sourceIpSet) = (null, true);
    }

    /// <summary>A background worker (automatic enforcement, rechecks).</summary>
    public void UseSystem()
    {
        (Via, AccessKeyId) = (AuditVia.System, null);
        (_sourceIp, _sourceIpSet) = (null, true);
    }
}
