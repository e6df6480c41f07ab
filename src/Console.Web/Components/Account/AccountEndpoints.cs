using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SesConsole.Data.Entities;

namespace SesConsole.Web.Components.Account;

internal static class AccountEndpoints
{
    /// <summary>POST /Account/Logout (anti-forgery validated by the framework for form posts).</summary>
    public static IEndpointConventionBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/Account");
        group.MapPost("/Logout", async ([FromServices] SignInManager<ConsoleUser> signInManager) =>
        {
            await signInManager.SignOutAsync();
            return TypedResults.LocalRedirect("~/Account/Login");
        });
        return group;
    }
}
