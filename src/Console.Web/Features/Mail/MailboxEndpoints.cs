using SesConsole.Web.Features.Principals;

namespace SesConsole.Web.Features.Mail;

public static class MailboxEndpoints
{
    /// <summary>
    /// GET /mailbox/{id}/raw: the message exactly as sent, as <c>message/rfc822</c> (the detail view's "Download .eml").
    /// Signed-in callers only, scoped like the Mailbox page: another account's message is a 404.
    /// </summary>
    public static IEndpointConventionBuilder MapMailboxEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/mailbox/{id:guid}/raw", async (Guid id, HttpContext context, MailboxService mailbox) =>
            {
                var caller = Caller.From(context.User);
                if (caller is null)
                {
                    return Results.Unauthorized();
                }

                var raw = await mailbox.GetRawAsync(caller, id, context.RequestAborted);
                return raw.IsSuccess
                    ? Results.File(raw.Value.Mime, "message/rfc822", raw.Value.FileName)
                    : Results.NotFound();
            })
            .RequireAuthorization();
}
