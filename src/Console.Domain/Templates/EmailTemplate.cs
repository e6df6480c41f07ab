using System.Text;
using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Templates;

/// <summary>An email template: SES's <c>TemplateName</c>, <c>SubjectPart</c>, <c>TextPart</c> and <c>HtmlPart</c> (docs/templates.md#templates).</summary>
public sealed record EmailTemplate(string Name, string? Subject, string? Text, string? Html);

/// <summary>SES's limits on templates and templated sends (docs/templates.md#limits).</summary>
public static class TemplateRules
{
    public const int MaxNameLength = 64;

    /// <summary>Subject, text and HTML together, in UTF-8 bytes.</summary>
    public const int MaxTemplateBytes = 500 * 1024;

    /// <summary>Templates per account and region.</summary>
    public const int MaxTemplatesPerRegion = 10_000;

    /// <summary>Destinations of one <c>SendBulkTemplatedEmail</c> / <c>SendBulkEmail</c> call.</summary>
    public const int MaxBulkDestinations = 50;

    /// <summary>Whether <paramref name="name"/> is a template name: 1–64 letters, digits, <c>_</c> and <c>-</c>.</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>The template's error, or <see langword="null"/> when it may be stored.</summary>
    public static Error? Validate(EmailTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (!IsValidName(template.Name))
        {
            return new Error("InvalidParameterValue",
                $"Template name '{template.Name}' is not valid: use 1 to {MaxNameLength} letters, digits, underscores and hyphens.");
        }

        if (string.IsNullOrEmpty(template.Subject))
        {
            return new Error("InvalidParameterValue", "The template needs a subject.");
        }

        if (string.IsNullOrEmpty(template.Text) && string.IsNullOrEmpty(template.Html))
        {
            return new Error("InvalidParameterValue", "The template needs a text part, an HTML part, or both.");
        }

        var bytes = Encoding.UTF8.GetByteCount(template.Subject) + Encoding.UTF8.GetByteCount(template.Text ?? "") + Encoding.UTF8.GetByteCount(template.Html ?? "");
        return bytes > MaxTemplateBytes
            ? new Error("InvalidParameterValue", $"The template is {bytes:N0} bytes; the limit is {MaxTemplateBytes:N0} bytes (500 KB) for subject, text and HTML together.")
            : null;
    }
}
