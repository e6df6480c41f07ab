namespace SesConsole.Web.Features.Templates;

/// <summary>The console addresses of templates.</summary>
public static class TemplatePaths
{
    /// <summary>
    /// The editor of <paramref name="name"/>. Blazor matches route literals in any case, so <c>/templates/new</c> (or
    /// <c>/templates/NEW</c>) is always the new-template page; a template with that name opens as <c>/templates/new?name=…</c>.
    /// </summary>
    public static string Of(string name) =>
        string.Equals(name, "new", StringComparison.OrdinalIgnoreCase)
            ? $"/templates/new?name={Uri.EscapeDataString(name)}"
            : $"/templates/{Uri.EscapeDataString(name)}";
}
