using Microsoft.AspNetCore.Components.Authorization;

namespace SesConsole.Web.Features.Principals;

/// <summary>Resolves the <see cref="Caller"/> of the current circuit or request.</summary>
public sealed class CurrentCaller(AuthenticationStateProvider authenticationState)
{
    public async Task<Caller?> GetAsync()
    {
        var state = await authenticationState.GetAuthenticationStateAsync();
        return Caller.From(state.User);
    }
}
