using SesConsole.Domain.Primitives;
using SesConsole.Domain.Templates;
using SesConsole.Web.Features.Audit;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Sending.Templates;

namespace SesConsole.Web.Tests.Shared;

/// <summary>Template changes made by an account's root in the console, for tests that seed or change templates by account ID.</summary>
public static class TemplateStoreExtensions
{
    public static Caller RootOf(string account) => new("root-" + account, "root", account, null, Caller.RootArnOf(account), false);

    public static Task<Result<StoredTemplate>> CreateAsync(this EmailTemplateStore store, string account, string region, EmailTemplate template, CancellationToken ct) =>
        store.CreateAsync(RootOf(account), new AuditActor(), region, template, ct);

    public static Task<Result<StoredTemplate>> UpdateAsync(this EmailTemplateStore store, string account, string region, EmailTemplate template, CancellationToken ct) =>
        store.UpdateAsync(RootOf(account), new AuditActor(), region, template, ct);

    public static Task<bool> DeleteAsync(this EmailTemplateStore store, string account, string region, string name, CancellationToken ct) =>
        store.DeleteAsync(RootOf(account), new AuditActor(), region, name, ct);
}
