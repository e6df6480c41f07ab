using System.Text.Json;
using System.Text.Json.Nodes;
using SesConsole.Domain.Primitives;
using SesConsole.Domain.Templates;
using SesConsole.Web.Features.Principals;
using SesConsole.Web.Sending.Templates;

namespace SesConsole.Web.Features.Templates;

/// <summary>A template on the Templates page's list.</summary>
public sealed record TemplateRow(string Name, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// The email templates of the caller's account in one region, for the console's pages (docs/templates.md#templates-page):
/// the same <see cref="EmailTemplateStore"/> the API writes to, scoped by the signed-in <see cref="Caller"/>'s account, so
/// a user never sees or touches another account's templates whatever name is typed. Any member of the account may look
/// and test-render; only the root changes them, as with configuration sets.
/// </summary>
public sealed class TemplatesService(EmailTemplateStore store, TemplateRenderer renderer, Audit.AuditActor actor)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The page the list asks the store for at a time (the store pages by name).</summary>
    private const int PageSize = 1000;

    private static readonly Error RootOnly = new("auth.root_only", "Only the account's root user can change email templates.");
    private static readonly Error NoAccount = new("auth.no_account", "This sign-in does not belong to an account, so it has no email templates.");

    /// <summary>The error of a template the account does not have in the region (also another account's).</summary>
    public static Error NotFound(string name, string region) =>
        new("TemplateDoesNotExist", $"Your account has no template {name} in {region}.");

    /// <summary>All the account's templates in <paramref name="region"/>, by name.</summary>
    public async Task<Result<IReadOnlyList<TemplateRow>>> ListAsync(Caller caller, string region, CancellationToken ct = default)
    {
        if (caller.AccountId is null)
        {
            return NoAccount;
        }

        var rows = new List<TemplateRow>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(caller.AccountId, region, PageSize, token, ct);
            rows.AddRange(page.Items.Select(t => new TemplateRow(t.Template.Name, t.CreatedAt, t.UpdatedAt)));
            token = page.NextToken;
        }
        while (token is not null);

        return rows;
    }

    public async Task<Result<StoredTemplate>> GetAsync(Caller caller, string region, string name, CancellationToken ct = default)
    {
        if (caller.AccountId is null)
        {
            return NoAccount;
        }

        var found = await store.FindAsync(caller.AccountId, region, name, ct);
        return found is null ? NotFound(name, region) : found;
    }

    /// <summary>Creates the template (<paramref name="isNew"/>) or replaces the parts of the one of its name.</summary>
    /// <remarks>The store's errors come back as they are: AlreadyExists, TemplateDoesNotExist, LimitExceeded, InvalidParameterValue.</remarks>
    public async Task<Result<StoredTemplate>> SaveAsync(Caller caller, string region, EmailTemplate template, bool isNew, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return caller.AccountId is null ? NoAccount : RootOnly;
        }

        return isNew
            ? await store.CreateAsync(caller, actor, region, template, ct)
            : await store.UpdateAsync(caller, actor, region, template, ct);
    }

    public async Task<Result> DeleteAsync(Caller caller, string region, string name, CancellationToken ct = default)
    {
        if (!caller.IsAccountRoot)
        {
            return caller.AccountId is null ? NoAccount : RootOnly;
        }

        return await store.DeleteAsync(caller, actor, region, name, ct) ? Result.Success() : NotFound(name, region);
    }

    /// <summary>
    /// Renders the editor's text (saved or not) with <paramref name="templateData"/>, as TestRenderTemplate would: nothing
    /// is stored or cached. Never throws for what the user typed; the outcome's error says what is wrong.
    /// </summary>
    public TemplateRendering Render(EmailTemplate template, string? templateData) => renderer.Render(template, templateData);

    /// <summary>Why <paramref name="data"/> is not the JSON object a render needs, in words (where JSON stops parsing, or what it is instead).</summary>
    public static string DescribeInvalidData(string? data)
    {
        try
        {
            using var document = JsonDocument.Parse(data ?? "");
            var kind = document.RootElement.ValueKind switch
            {
                JsonValueKind.Array => "an array",
                JsonValueKind.String => "a string",
                JsonValueKind.Number => "a number",
                JsonValueKind.True or JsonValueKind.False => "true or false",
                _ => "null",
            };
            return $"It is {kind}; the data is one JSON object of the variables, such as {{ \"name\": \"Ana\" }}.";
        }
        catch (JsonException ex)
        {
            return ex.LineNumber is { } line && ex.BytePositionInLine is { } position
                ? $"It is not valid JSON (the error is at line {line + 1}, column {position + 1})."
                : "It is not valid JSON.";
        }
    }

    /// <summary>Sample data with every variable, a nested object for <c>a.b</c>: each value is the variable's own name.</summary>
    public static string SampleData(IReadOnlyList<string> variables)
    {
        var root = new JsonObject();
        foreach (var variable in variables)
        {
            var node = root;
            var parts = variable.Split('.', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            for (var i = 0; i < parts.Length; i++)
            {
                if (i == parts.Length - 1)
                {
                    node.TryAdd(parts[i], parts[i]);
                }
                else if (node[parts[i]] is JsonObject child)
                {
                    node = child;
                }
                else if (!node.ContainsKey(parts[i]))
                {
                    child = [];
                    node[parts[i]] = child;
                    node = child;
                }
                else
                {
                    break; // "a" and "a.b" both used: keep the first shape
                }
            }
        }

        return root.ToJsonString(Indented);
    }

    /// <summary>The variables the template's parts use, for the page and the sample data.</summary>
    public static IReadOnlyList<string> Variables(EmailTemplate template) => TemplateRenderer.Variables(template);
}
