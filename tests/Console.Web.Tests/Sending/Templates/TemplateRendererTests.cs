using SesConsole.Domain.Templates;
using SesConsole.Web.Sending.Templates;

namespace SesConsole.Web.Tests.Sending.Templates;

public sealed class TemplateRendererTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

    private static StoredTemplate Stored(EmailTemplate template, int version = 1, string account = "111111111111") =>
        new(account, "us-east-1", template, version, At, At);

    [Fact]
    public void Variables_are_escaped_in_the_html_part_only_and_triple_braces_never()
    {
        var template = new EmailTemplate("Welcome", "Hi {{name}} & co", "Dear {{name}},\n{{{note}}}", "<p>Dear {{name}}</p><div>{{{note}}}</div>");

        var result = new TemplateRenderer().Render(Stored(template), """{ "name": "Ann <b>", "note": "<i>hello</i>" }""");

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal("Hi Ann <b> & co", result.Rendered!.Subject);
        Assert.Equal("Dear Ann <b>,\n<i>hello</i>", result.Rendered.Text);
        Assert.Equal("<p>Dear Ann &lt;b&gt;</p><div><i>hello</i></div>", result.Rendered.Html);
    }

    [Fact]
    public void Conditions_loops_and_nested_data_render_as_in_handlebars()
    {
        var template = new EmailTemplate("Order", "Order {{order.id}}",
            "{{#if vip}}VIP {{/if}}{{#each items}}{{name}} x{{qty}};{{/each}}{{#unless paid}} unpaid{{/unless}}", null);

        var result = new TemplateRenderer().Render(Stored(template),
            """{ "order": { "id": 42 }, "vip": true, "paid": false, "items": [ { "name": "Tea", "qty": 2 }, { "name": "Cup", "qty": 1 } ] }""");

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal("Order 42", result.Rendered!.Subject);
        Assert.Equal("VIP Tea x2;Cup x1; unpaid", result.Rendered.Text);
        Assert.Null(result.Rendered.Html);
    }

    [Fact]
    public void A_variable_missing_from_the_data_is_a_missing_attribute_naming_it()
    {
        var result = new TemplateRenderer().Render(Stored(new EmailTemplate("T", "Hi {{name}}", "Code {{code}}", null)), """{ "name": "Ann" }""");

        Assert.False(result.IsSuccess);
        Assert.Equal(TemplateRenderErrorKind.MissingAttribute, result.Error!.Kind);
        Assert.Contains("'code'", result.Error.Message, StringComparison.Ordinal);

        var inHtml = new TemplateRenderer().Render(Stored(new EmailTemplate("H", "Hi", null, "<p>{{user.first}}</p>")), """{ "user": {} }""");
        Assert.Equal(TemplateRenderErrorKind.MissingAttribute, inHtml.Error?.Kind);
        Assert.Contains("first", inHtml.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_condition_on_a_missing_variable_is_false_not_a_failure()
    {
        var result = new TemplateRenderer().Render(Stored(new EmailTemplate("T", "Hi", "A{{#if promo}} {{promo}}{{/if}}B", null)), "{}");

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal("AB", result.Rendered!.Text);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("\"text\"")]
    public void Data_that_is_not_a_json_object_is_invalid_data(string data)
    {
        var result = new TemplateRenderer().Render(Stored(new EmailTemplate("T", "Hi", "Body", null)), data);

        Assert.Equal(TemplateRenderErrorKind.InvalidData, result.Error?.Kind);
        Assert.False(TemplateRenderer.IsValidData(data));
    }

    [Fact]
    public void A_template_that_does_not_parse_is_an_invalid_template()
    {
        var result = new TemplateRenderer().Render(new EmailTemplate("Broken", "Hi {{#if x}}", "Body", null), "{}");

        Assert.Equal(TemplateRenderErrorKind.InvalidTemplate, result.Error?.Kind);
    }

    [Fact]
    public void A_stored_template_is_compiled_again_only_when_its_version_changes()
    {
        var renderer = new TemplateRenderer();
        Assert.Equal("One", renderer.Render(Stored(new EmailTemplate("T", "One", "x", null), version: 1), "{}").Rendered!.Subject);

        // Same version, other text: the cached compilation answers (a version is immutable once stored).
        Assert.Equal("One", renderer.Render(Stored(new EmailTemplate("T", "Two", "x", null), version: 1), "{}").Rendered!.Subject);
        Assert.Equal("Two", renderer.Render(Stored(new EmailTemplate("T", "Two", "x", null), version: 2), "{}").Rendered!.Subject);
        // Another account's template of the same name is its own.
        Assert.Equal("Other", renderer.Render(Stored(new EmailTemplate("T", "Other", "x", null), version: 1, account: "222222222222"), "{}").Rendered!.Subject);
    }

    [Fact]
    public void Variables_lists_the_names_a_template_reads()
    {
        var names = TemplateRenderer.Variables(new EmailTemplate("T", "Hi {{name}}", "{{#if vip}}{{code}}{{else}}-{{/if}} {{{raw}}} {{user.city}} {{name}}", null));

        Assert.Equal(["name", "vip", "code", "raw", "user.city"], names);
    }

    [Fact]
    public void ToMime_is_a_mime_message_with_the_subject_and_both_parts()
    {
        var mime = TemplateRenderer.ToMime(new RenderedTemplate("Hello Ann", "Text part", "<p>Html part</p>"));

        Assert.Contains("Subject: Hello Ann", mime, StringComparison.Ordinal);
        Assert.Contains("multipart/alternative", mime, StringComparison.Ordinal);
        Assert.Contains("Text part", mime, StringComparison.Ordinal);
        Assert.Contains("<p>Html part</p>", mime, StringComparison.Ordinal);
    }
}
