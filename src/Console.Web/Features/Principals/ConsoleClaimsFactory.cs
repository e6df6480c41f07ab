using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SesConsole.Data;
using SesConsole.Data.Entities;

namespace SesConsole.Web.Features.Principals;

/// <summary>Adds the account, IAM principal and principal ARN of a console user to its sign-in cookie.</summary>
internal sealed class ConsoleClaimsFactory(
    UserManager<ConsoleUser> userManager,
    RoleManager<IdentityRole> roleManager,
    IOptions<IdentityOptions> options,
    IDbContextFactory<ConsoleDbContext> dbFactory)
    : UserClaimsPrincipalFactory<ConsoleUser, IdentityRole>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ConsoleUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.AccountId is null)
        {
            return identity;
        }

        identity.AddClaim(new Claim(Caller.AccountClaim, user.AccountId));
        if (user.IamPrincipalId is { } principalId)
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var principal = await db.IamPrincipals.AsNoTracking().SingleAsync(p => p.Id == principalId);
            identity.AddClaim(new Claim(Caller.IamPrincipalClaim, principalId.ToString()));
            identity.AddClaim(new Claim(Caller.PrincipalArnClaim, principal.Arn));
        }
        else
        {
            identity.AddClaim(new Claim(Caller.PrincipalArnClaim, Caller.RootArnOf(user.AccountId)));
        }

        return identity;
    }
}
