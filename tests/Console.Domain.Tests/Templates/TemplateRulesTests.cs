using SesConsole.Domain.Templates;

namespace SesConsole.Domain.Tests.Templates;

public sealed class TemplateRulesTests
{
    [Theory]
    [InlineData("Welcome")]
    [InlineData("order_shipped-v2")]
    [InlineData("a")]
    public void Names_of_letters_digits_underscores_and_hyphens_are_valid(string name) =>
        Assert.Null(TemplateRules.Validate(new EmailTemplate(name, "Hi", "Body", null)));

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("dot.name")]
    [InlineData("ünicode")]
    public void Other_names_are_invalid_parameter_values(string name)
    {
        var error = TemplateRules.Validate(new EmailTemplate(name, "Hi", "Body", null));

        Assert.Equal("InvalidParameterValue", error?.Code);
    }

    [Fact]
    public void A_name_of_65_characters_is_too_long()
    {
        Assert.Null(TemplateRules.Validate(new EmailTemplate(new string('a', 64), "Hi", "Body", null)));
        Assert.NotNull(TemplateRules.Validate(new EmailTemplate(new string('a', 65), "Hi", "Body", null)));
    }

    [Fact]
    public void A_template_needs_a_subject_and_a_text_or_html_part()
    {
        Assert.NotNull(TemplateRules.Validate(new EmailTemplate("T", null, "Body", null)));
        Assert.NotNull(TemplateRules.Validate(new EmailTemplate("T", "Hi", null, "")));
        Assert.Null(TemplateRules.Validate(new EmailTemplate("T", "Hi", null, "<p>x</p>")));
    }

    [Fact]
    public void Subject_text_and_html_together_may_be_500_KB_of_utf8()
    {
        var half = new string('a', TemplateRules.MaxTemplateBytes / 2);
        Assert.Null(TemplateRules.Validate(new EmailTemplate("T", "S", half, half[..^1])));

        var error = TemplateRules.Validate(new EmailTemplate("T", "S", half, half));
        Assert.Equal("InvalidParameterValue", error?.Code);
        Assert.Contains("500 KB", error!.Message, StringComparison.Ordinal);

        // Bytes, not characters: 'é' is two bytes in UTF-8.
        Assert.NotNull(TemplateRules.Validate(new EmailTemplate("T", "S", new string('é', TemplateRules.MaxTemplateBytes / 2), null)));
    }
}
