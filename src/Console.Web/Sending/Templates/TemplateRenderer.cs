using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using HandlebarsDotNet;
using MimeKit;
using SesConsole.Domain.Templates;

namespace SesConsole.Web.Sending.Templates;

/// <summary>Why a template could not be rendered (docs/templates.md#rendering).</summary>
public enum TemplateRenderErrorKind
{
    /// <summary>The template data is not a JSON object: an error in the request, before anything is accepted.</summary>
    InvalidData,

    /// <summary>A variable the template uses is not in the data: a send is accepted and becomes a Rendering Failure.</summary>
    MissingAttribute,

    /// <summary>The template does not parse as a Handlebars template.</summary>
    InvalidTemplate,
}

public sealed record TemplateRenderError(TemplateRenderErrorKind Kind, string Message);

/// <summary>The rendered subject and parts (a part the template lacks stays <see langword="null"/>).</summary>
public sealed record RenderedTemplate(string Subject, string? Text, string? Html);

public sealed record TemplateRendering(RenderedTemplate? Rendered, TemplateRenderError? Error)
{
    public bool IsSuccess => Rendered is not null;
}

/// <summary>
/// Renders templates with Handlebars.Net (docs/templates.md#rendering): <c>{{x}}</c> is HTML-escaped in the HTML part and
/// verbatim in the subject and the text part, <c>{{{x}}}</c> is never escaped, <c>{{#if}}</c>, <c>{{#unless}}</c>,
/// <c>{{#each}}</c>, <c>{{#with}}</c> and dotted paths work as in Handlebars, and a variable missing from the data is an
/// error, as SES makes it. A stored template is compiled once per version and kept.
/// </summary>
public sealed partial class TemplateRenderer
{
    private const int MaxCached = 10_000;

    // A variable missing from the data is written as this marker around its name, then found in the output: Handlebars.Net's
    // own ThrowOnUnresolvedBindingExpression would also throw for {{#if missing}}, which SES treats as false.
    private const char MissingStart = '\u0001';
    private const char MissingEnd = '\u0002';

    // Two environments: one that escapes for the HTML part, one that does not for the subject and the text part.
    // UnresolvedBindingFormatter is marked obsolete in 2.1.6 in favour of custom formatters, but it is what the built-in
    // formatter of undefined values still reads; one property is simpler than a formatter provider.
#pragma warning disable CS0618
    private static readonly IHandlebars HtmlEnvironment = Handlebars.Create(new HandlebarsConfiguration { UnresolvedBindingFormatter = MissingStart + "{0}" + MissingEnd });
    private static readonly IHandlebars PlainEnvironment = Handlebars.Create(new HandlebarsConfiguration { UnresolvedBindingFormatter = MissingStart + "{0}" + MissingEnd, NoEscape = true });
#pragma warning restore CS0618

    private readonly ConcurrentDictionary<(string Account, string Region, string Name), Compiled> _compiled = new();

    /// <summary>Renders a stored template with <paramref name="templateData"/> (a JSON object), compiling it once per version.</summary>
    public TemplateRendering Render(StoredTemplate template, string? templateData)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (ParseData(templateData) is not { } data)
        {
            return InvalidData();
        }

        var key = (template.AccountId, template.Region, template.Template.Name);
        if (!_compiled.TryGetValue(key, out var compiled) || compiled.Version != template.Version)
        {
            if (Compile(template.Template, template.Version) is not { } fresh)
            {
                return InvalidTemplate(template.Template.Name);
            }

            if (_compiled.Count >= MaxCached)
            {
                _compiled.Clear();
            }

            _compiled[key] = compiled = fresh;
        }

        return Run(compiled, data);
    }

    /// <summary>Renders a template given in the request (v2 <c>TemplateContent</c>); not cached.</summary>
    public TemplateRendering Render(EmailTemplate inline, string? templateData)
    {
        ArgumentNullException.ThrowIfNull(inline);
        if (ParseData(templateData) is not { } data)
        {
            return InvalidData();
        }

        return Compile(inline, 0) is { } compiled ? Run(compiled, data) : InvalidTemplate(inline.Name);
    }

    /// <summary>Whether <paramref name="templateData"/> is what a templated send needs: a JSON object (empty means <c>{}</c>).</summary>
    public static bool IsValidData(string? templateData) => ParseData(templateData) is not null;

    /// <summary>The names the template reads (<c>{{name}}</c>, <c>{{#if name}}</c>, <c>{{#each list}}</c> …), in order of first use.</summary>
    public static IReadOnlyList<string> Variables(EmailTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var names = new List<string>();
        foreach (var part in new[] { template.Subject, template.Text, template.Html })
        {
            foreach (Match match in Mustache().Matches(part ?? ""))
            {
                var name = match.Groups["name"].Value;
                if (name is not ("else" or "this") && !name.StartsWith('@') && !names.Contains(name, StringComparer.Ordinal))
                {
                    names.Add(name);
                }
            }
        }

        return names;
    }

    /// <summary>The rendered message as MIME text, the <c>RenderedTemplate</c> that TestRenderTemplate answers.</summary>
    public static string ToMime(RenderedTemplate rendered)
    {
        ArgumentNullException.ThrowIfNull(rendered);
        var message = new MimeMessage { Subject = rendered.Subject };
        message.Body = new BodyBuilder { TextBody = rendered.Text, HtmlBody = rendered.Html }.ToMessageBody();
        message.Headers.Remove(HeaderId.Date);
        message.Headers.Remove(HeaderId.MessageId);
        return message.ToString();
    }

    private static TemplateRendering Run(Compiled compiled, object data)
    {
        try
        {
            var rendered = new RenderedTemplate(compiled.Subject(data), compiled.Text?.Invoke(data), compiled.Html?.Invoke(data));
            foreach (var part in new[] { rendered.Subject, rendered.Text, rendered.Html })
            {
                var start = part?.IndexOf(MissingStart, StringComparison.Ordinal) ?? -1;
                if (start >= 0)
                {
                    var end = part!.IndexOf(MissingEnd, start);
                    var name = end > start ? part[(start + 1)..end] : "";
                    return new TemplateRendering(null, new TemplateRenderError(TemplateRenderErrorKind.MissingAttribute,
                        $"Attribute '{name}' is not present in the rendering data."));
                }
            }

            return new TemplateRendering(rendered, null);
        }
        catch (HandlebarsException ex)
        {
            return new TemplateRendering(null, new TemplateRenderError(TemplateRenderErrorKind.InvalidTemplate, ex.Message));
        }
    }

    private static Compiled? Compile(EmailTemplate template, int version)
    {
        try
        {
            return new Compiled(version, PlainEnvironment.Compile(template.Subject ?? ""),
                string.IsNullOrEmpty(template.Text) ? null : PlainEnvironment.Compile(template.Text),
                string.IsNullOrEmpty(template.Html) ? null : HtmlEnvironment.Compile(template.Html));
        }
        catch (HandlebarsException)
        {
            return null;
        }
    }

    /// <summary>The data as dictionaries, lists and scalars; <see langword="null"/> when it is not a JSON object.</summary>
    private static Dictionary<string, object?>? ParseData(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal);
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object ? (Dictionary<string, object?>)Convert(document.RootElement)! : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static object? Convert(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => Convert(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(Convert).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var whole) ? whole : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static TemplateRendering InvalidData() =>
        new(null, new TemplateRenderError(TemplateRenderErrorKind.InvalidData, "Template data is not a valid JSON object."));

    private static TemplateRendering InvalidTemplate(string name) =>
        new(null, new TemplateRenderError(TemplateRenderErrorKind.InvalidTemplate, $"Template {name} is not a valid Handlebars template."));

    [GeneratedRegex(@"\{\{\{?\s*(?:[#^]\s*(?:if|unless|each|with)\s+)?(?<name>@?[A-Za-z_][\w\-]*(?:\.[A-Za-z_][\w\-]*)*)\s*\}?\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Mustache();

    private sealed record Compiled(int Version, HandlebarsTemplate<object, object> Subject, HandlebarsTemplate<object, object>? Text, HandlebarsTemplate<object, object>? Html);
}
