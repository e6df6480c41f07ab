using SesConsole.Domain.Policies;

namespace SesConsole.Domain.Tests.Architecture;

public sealed class DomainDependencyTests
{
    [Fact]
    public void DomainAssembly_ReferencesNoInfrastructureOrUiAssemblies()
    {
        var forbidden = new[] { "Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore", "MudBlazor" };

        var offending = typeof(PolicyEngine).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name ?? "")
            .Where(name => forbidden.Any(f => name.StartsWith(f, StringComparison.Ordinal)))
            .ToList();

        Assert.Empty(offending);
    }
}
