using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SesConsole.Data.Entities;

namespace SesConsole.Web.Components.Account;

internal static class AccountEndpoints
{
    /// <summary>POST /Account/Logout, with an anti-forgery token (a cross-site form cannot sign the user out).</summary>
    public static IEndpointConventionBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/Account");
        group.MapPost("/Logout", async (HttpContext context, [FromServices] IAntiforgery antiforgery, [FromServices] SignInManager<ConsoleUser> signInManager) =>
        {
            // No form field is bound, so the framework would not check the token by itself.
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            await signInManager.SignOutAsync();
            return Results.LocalRedirect("~/Account/Login");
        });
        return group;
    }
}
