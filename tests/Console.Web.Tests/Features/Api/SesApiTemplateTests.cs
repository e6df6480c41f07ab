using System.Text.Json;
using SesConsole.Domain.Templates;
using SesConsole.Web.Features.Iam;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Api;

/// <summary>
/// Email templates through both SES APIs over real Kestrel and SigV4 (docs/templates.md#template-api): the CRUD round
/// trip, test rendering, SES's errors, paging, and each account's (and region's) own namespace of names.
/// </summary>
public sealed class SesApiTemplateTests(SesApiServer api) : IClassFixture<SesApiServer>
{
    private static string Content(string name, string? subject = "Hello {{name}}", string? text = "Dear {{name}},", string? html = "<p>{{name}} {{{raw}}}</p>") =>
        JsonSerializer.Serialize(new { TemplateName = name, TemplateContent = new { Subject = subject, Text = text, Html = html } });

    private static (string, string)[] V1Template(string action, string name, string? subject = "Hi {{name}}", string? text = "Text {{name}}", string? html = "<b>{{name}}</b>")
    {
        var fields = new List<(string, string)> { ("Action", action), ("Template.TemplateName", name) };
        if (subject is not null)
        {
            fields.Add(("Template.SubjectPart", subject));
        }

        if (text is not null)
        {
            fields.Add(("Template.TextPart", text));
        }

        if (html is not null)
        {
            fields.Add(("Template.HtmlPart", html));
        }

        return [.. fields];
    }

    private static string Value(SesApiResponse response, string element) =>
        response.Xml.Descendants(SesApiTestClient.Ns + element).Single().Value;

    [Fact]
    public async Task V2_CreateGetUpdateListRenderDelete_RoundTrip()
    {
        var created = await api.A.V2Async(HttpMethod.Post, "/v2/email/templates", Content("v2-Welcome_1"));
        var got = await api.A.V2Async(HttpMethod.Get, "/v2/email/templates/v2-Welcome_1");

        Assert.Equal((200, "{}"), (created.Status, created.Body));
        Assert.Equal(200, got.Status);
        Assert.Equal("v2-Welcome_1", got.Json.GetProperty("TemplateName").GetString());
        Assert.Equal("Hello {{name}}", got.Json.GetProperty("TemplateContent").GetProperty("Subject").GetString());
        Assert.Equal("Dear {{name}},", got.Json.GetProperty("TemplateContent").GetProperty("Text").GetString());
        Assert.Equal("<p>{{name}} {{{raw}}}</p>", got.Json.GetProperty("TemplateContent").GetProperty("Html").GetString());

        var updated = await api.A.V2Async(HttpMethod.Put, "/v2/email/templates/v2-Welcome_1",
            """{"TemplateContent":{"Subject":"Welcome {{name}}","Text":"Hi {{name}}"}}""");
        var after = await api.A.V2Async(HttpMethod.Get, "/v2/email/templates/v2-Welcome_1");
        var listed = await api.A.V2Async(HttpMethod.Get, "/v2/email/templates?PageSize=100");
        var rendered = await api.A.V2Async(HttpMethod.Post, "/v2/email/templates/v2-Welcome_1/render", """{"TemplateData":"{\"name\":\"Ann\"}"}""");

        Assert.Equal((200, "{}"), (updated.Status, updated.Body));
        Assert.Equal("Welcome {{name}}", after.Json.GetProperty("TemplateContent").GetProperty("Subject").GetString());
        Assert.False(after.Json.GetProperty("TemplateContent").TryGetProperty("Html", out var html) && html.ValueKind != JsonValueKind.Null);
        var entry = listed.Json.GetProperty("TemplatesMetadata").EnumerateArray().Single(e => e.GetProperty("TemplateName").GetString() == "v2-Welcome_1");
        Assert.True(entry.GetProperty("CreatedTimestamp").GetDouble() > 1_700_000_000);
        Assert.Equal(200, rendered.Status);
        var mime = rendered.Json.GetProperty("RenderedTemplate").GetString()!;
        Assert.Contains("Subject: Welcome Ann", mime, StringComparison.Ordinal);
        Assert.Contains("Hi Ann", mime, StringComparison.Ordinal);

        var deleted = await api.A.V2Async(HttpMethod.Delete, "/v2/email/templates/v2-Welcome_1");
        var gone = await api.A.V2Async(HttpMethod.Get, "/v2/email/templates/v2-Welcome_1");
        var deletedAgain = await api.A.V2Async(HttpMethod.Delete, "/v2/email/templates/v2-Welcome_1");

        Assert.Equal((200, "{}"), (deleted.Status, deleted.Body));
        Assert.Equal((404, "NotFoundException"), (gone.Status, gone.ErrorType));
        Assert.Equal("Template v2-Welcome_1 does not exist.", gone.Json.GetProperty("message").GetString());
        Assert.Equal((404, "NotFoundException"), (deletedAgain.Status, deletedAgain.ErrorType));
    }

    [Fact]
    public async Task V2_Render_EscapesHtmlOnlyInTheHtmlPart()
    {
        await api.A.V2Async(HttpMethod.Post, "/v2/email/templates", Content("v2-escape", subject: "S {{name}}", text: "T {{name}}", html: "<i>{{name}}</i>"));

        var rendered = await api.A.V2Async(HttpMethod.Post, "/v2/email/templates/v2-escape/render", """{"TemplateData":"{\"name\":\"A&B\"}"}""");

        Assert.Equal(200, rendered.Status);
        var mime = rendered.Json.GetProperty("RenderedTemplate").GetString()!;
        Assert.Contains("Subject: S A&B", mime, StringComparison.Ordinal);
        Assert.Contains("A&amp;B", mime, StringComparison.Ordinal);
    }

    [Fact]
    public async Task V2_Errors_AsSes()
    {
        await api.A.V2Async(HttpMethod.Post, "/v2/email/templates", Content("v2-errors"));

        var duplicate = await api.A.V2Async(HttpMethod.Post, "/v2/email/templates", Content("v2-errors"));
        var getMissing = await api.A.V2Async(HttpMethod.Get, "/v2/email/templates/v2-missing");
        var otherCase = await api.A.V2Async(HttpMethod.Get, "/v2/email/templates/V2-ERRORS");
        var updateMissing = await api.A.V2Async(HttpMethod.Put, "/v2/email/templates/v2-missing", """{"TemplateContent":{"Subject":"s","Text":"t"}}""");
        var renderMissing = await api.A.V2Async(HttpMethod.Post, "/v2/email/templates/v2-missing/render", """{"TemplateData":"{}"}""");
        var badJson = await api.A.V2Async(HttpMethod.Post, "/v2/email/templates/v2-errors/render", """{"TemplateData":"{not json"}""");
        var notObject = await api.A.V2Async(HttpMethod.Post, "/v2/email/templates/v2-errors/render", """{"TemplateData":"[1,2]"}""");
        var missingAttribute = await api.A.V2Async(HttpMethod.Post, "/v2/email/templates/v2-errors/render", """{"TemplateData":"{\"raw\":\"x\"}"}""");
        var noData = await api.A.V2Async(HttpMethod.Post, "/v2/email/templates/v2-errors/render", "{}");
        var noContent = await api.A.V2Async(HttpMethod.Post, "/v2/email/templates", """{"TemplateName":"v2-no-content"}""");
        var unclosed = await api.A.V2Async(HttpMethod.Post, "/v2/email/templates", Content("v2-unclosed", html: "{{#if x}}never closed"));
        var updateUnclosed = await api.A.V2Async(HttpMethod.Put, "/v2/email/templates/v2-errors", """{"TemplateContent":{"Subject":"s","Text":"{{#each}}"}}""");

        Assert.Equal((400, "AlreadyExistsException"), (duplicate.Status, duplicate.ErrorType));
        Assert.Equal("Template v2-errors already exists.", duplicate.Json.GetProperty("message").GetString());
        Assert.Equal((404, "NotFoundException"), (getMissing.Status, getMissing.ErrorType));
        Assert.Equal((404, "NotFoundException"), (otherCase.Status, otherCase.ErrorType));
        Assert.Equal((404, "NotFoundException"), (updateMissing.Status, updateMissing.ErrorType));
        Assert.Equal((404, "NotFoundException"), (renderMissing.Status, renderMissing.ErrorType));
        Assert.Equal((400, "BadRequestException"), (badJson.Status, badJson.ErrorType));
        Assert.Equal((400, "BadRequestException"), (notObject.Status, notObject.ErrorType));
        Assert.Equal((400, "BadRequestException"), (missingAttribute.Status, missingAttribute.ErrorType));
        Assert.Equal("Attribute 'name' is not present in the rendering data.", missingAttribute.Json.GetProperty("message").GetString());
        Assert.Equal((400, "BadRequestException"), (noData.Status, noData.ErrorType));
        Assert.Equal((400, "BadRequestException"), (noContent.Status, noContent.ErrorType));
        Assert.Equal((400, "BadRequestException"), (unclosed.Status, unclosed.ErrorType));
        Assert.Equal((400, "BadRequestException"), (updateUnclosed.Status, updateUnclosed.ErrorType));
        Assert.Equal(404, (await api.A.V2Async(HttpMethod.Get, "/v2/email/templates/v2-unclosed")).Status);
        Assert.Equal("Hello {{name}}", (await api.A.V2Async(HttpMethod.Get, "/v2/email/templates/v2-errors")).Json.GetProperty("TemplateContent").GetProperty("Subject").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("dot.ted")]
    [InlineData("slash/name")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 65
    public async Task V2_Create_InvalidName_BadRequestAndNothingCreated(string name)
    {
        var response = await api.A.V2Async(HttpMethod.Post, "/v2/email/templates", Content(name));
        var v1 = await api.A.V1Async(V1Template("CreateTemplate", name));

        Assert.Equal((400, "BadRequestException"), (response.Status, response.ErrorType));
        Assert.Equal((400, "InvalidParameterValue"), (v1.Status, v1.V1Code));
        var listed = await api.A.V2Async(HttpMethod.Get, "/v2/email/templates?PageSize=100");
        Assert.DoesNotContain(name, listed.Json.GetProperty("TemplatesMetadata").EnumerateArray().Select(e => e.GetProperty("TemplateName").GetString()));
    }

    [Fact]
    public async Task Create_Oversize_RefusedOnBothApis_AtTheLimitAccepted()
    {
        var subject = new string('s', 1000);
        var atLimit = new string('h', TemplateRules.MaxTemplateBytes - subject.Length);
        var over = atLimit + "h";

        var v2Over = await api.A.V2Async(HttpMethod.Post, "/v2/email/templates", Content("size-over", subject: subject, text: null, html: over));
        var v1Over = await api.A.V1Async(V1Template("CreateTemplate", "size-over-v1", subject: subject, text: null, html: over));
        var v2At = await api.A.V2Async(HttpMethod.Post, "/v2/email/templates", Content("size-at", subject: subject, text: null, html: atLimit));
        var v2UpdateOver = await api.A.V2Async(HttpMethod.Put, "/v2/email/templates/size-at",
            JsonSerializer.Serialize(new { TemplateContent = new { Subject = subject, Html = over } }));

        Assert.Equal((400, "BadRequestException"), (v2Over.Status, v2Over.ErrorType));
        Assert.Equal((400, "InvalidParameterValue"), (v1Over.Status, v1Over.V1Code));
        Assert.Equal(200, v2At.Status);
        Assert.Equal((400, "BadRequestException"), (v2UpdateOver.Status, v2UpdateOver.ErrorType));
        Assert.Equal(atLimit, (await api.A.V2Async(HttpMethod.Get, "/v2/email/templates/size-at")).Json.GetProperty("TemplateContent").GetProperty("Html").GetString());
        Assert.Equal(404, (await api.A.V2Async(HttpMethod.Get, "/v2/email/templates/size-over")).Status);
        Assert.Equal("TemplateDoesNotExist", (await api.A.V1Async(("Action", "GetTemplate"), ("TemplateName", "size-over-v1"))).V1Code);
    }

    [Fact]
    public async Task V1_CreateGetUpdateListRenderDelete_RoundTrip()
    {
        var created = await api.A.V1Async(V1Template("CreateTemplate", "v1-welcome", html: "<b>{{name}}</b> & co"));
        var got = await api.A.V1Async(("Action", "GetTemplate"), ("TemplateName", "v1-welcome"));

        Assert.Equal(200, created.Status);
        Assert.Equal("CreateTemplateResponse", created.Xml.Name.LocalName);
        Assert.Equal(200, got.Status);
        var template = got.Xml.Descendants(SesApiTestClient.Ns + "Template").Single();
        Assert.Equal("v1-welcome", template.Element(SesApiTestClient.Ns + "TemplateName")!.Value);
        Assert.Equal("Hi {{name}}", template.Element(SesApiTestClient.Ns + "SubjectPart")!.Value);
        Assert.Equal("Text {{name}}", template.Element(SesApiTestClient.Ns + "TextPart")!.Value);
        Assert.Equal("<b>{{name}}</b> & co", template.Element(SesApiTestClient.Ns + "HtmlPart")!.Value);

        var updated = await api.A.V1Async(V1Template("UpdateTemplate", "v1-welcome", subject: "Bye {{name}}", html: null));
        var after = await api.A.V1Async(("Action", "GetTemplate"), ("TemplateName", "v1-welcome"));
        var listed = await api.A.V1Async(("Action", "ListTemplates"), ("MaxItems", "100"));
        var rendered = await api.A.V1Async(("Action", "TestRenderTemplate"), ("TemplateName", "v1-welcome"), ("TemplateData", """{"name":"Bob"}"""));

        Assert.Equal(200, updated.Status);
        Assert.Equal("Bye {{name}}", Value(after, "SubjectPart"));
        Assert.Empty(after.Xml.Descendants(SesApiTestClient.Ns + "HtmlPart"));
        var member = listed.Xml.Descendants(SesApiTestClient.Ns + "member").Single(m => m.Element(SesApiTestClient.Ns + "Name")!.Value == "v1-welcome");
        Assert.True(DateTimeOffset.TryParse(member.Element(SesApiTestClient.Ns + "CreatedTimestamp")!.Value, System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.Equal(200, rendered.Status);
        Assert.Contains("Subject: Bye Bob", Value(rendered, "RenderedTemplate"), StringComparison.Ordinal);
        Assert.Contains("Text Bob", Value(rendered, "RenderedTemplate"), StringComparison.Ordinal);

        var deleted = await api.A.V1Async(("Action", "DeleteTemplate"), ("TemplateName", "v1-welcome"));
        var gone = await api.A.V1Async(("Action", "GetTemplate"), ("TemplateName", "v1-welcome"));
        var deletedAgain = await api.A.V1Async(("Action", "DeleteTemplate"), ("TemplateName", "v1-welcome"));

        Assert.Equal(200, deleted.Status);
        Assert.Equal((400, "TemplateDoesNotExist"), (gone.Status, gone.V1Code));
        Assert.Equal("Template v1-welcome does not exist.", Value(gone, "Message"));
        Assert.Equal(200, deletedAgain.Status); // SES's DeleteTemplate succeeds for a name it does not have
    }

    [Fact]
    public async Task V1_Errors_AsSes()
    {
        await api.A.V1Async(V1Template("CreateTemplate", "v1-errors"));

        var duplicate = await api.A.V1Async(V1Template("CreateTemplate", "v1-errors"));
        var updateMissing = await api.A.V1Async(V1Template("UpdateTemplate", "v1-missing"));
        var renderMissing = await api.A.V1Async(("Action", "TestRenderTemplate"), ("TemplateName", "v1-missing"), ("TemplateData", "{}"));
        var badJson = await api.A.V1Async(("Action", "TestRenderTemplate"), ("TemplateName", "v1-errors"), ("TemplateData", "{\"name\":"));
        var missingAttribute = await api.A.V1Async(("Action", "TestRenderTemplate"), ("TemplateName", "v1-errors"), ("TemplateData", "{}"));
        var noData = await api.A.V1Async(("Action", "TestRenderTemplate"), ("TemplateName", "v1-errors"));
        var unclosed = await api.A.V1Async(V1Template("CreateTemplate", "v1-unclosed", text: "{{#if a}}open"));
        var updateUnclosed = await api.A.V1Async(V1Template("UpdateTemplate", "v1-errors", html: "{{/if}}"));
        var badMaxItems = await api.A.V1Async(("Action", "ListTemplates"), ("MaxItems", "0"));

        Assert.Equal((400, "AlreadyExists"), (duplicate.Status, duplicate.V1Code));
        Assert.Equal((400, "TemplateDoesNotExist"), (updateMissing.Status, updateMissing.V1Code));
        Assert.Equal((400, "TemplateDoesNotExist"), (renderMissing.Status, renderMissing.V1Code));
        Assert.Equal((400, "InvalidRenderingParameter"), (badJson.Status, badJson.V1Code));
        Assert.Equal((400, "MissingRenderingAttribute"), (missingAttribute.Status, missingAttribute.V1Code));
        Assert.Equal("Attribute 'name' is not present in the rendering data.", Value(missingAttribute, "Message"));
        Assert.Equal((400, "InvalidParameterValue"), (noData.Status, noData.V1Code));
        Assert.Equal((400, "InvalidTemplate"), (unclosed.Status, unclosed.V1Code));
        Assert.Equal((400, "InvalidTemplate"), (updateUnclosed.Status, updateUnclosed.V1Code));
        Assert.Equal((400, "InvalidParameterValue"), (badMaxItems.Status, badMaxItems.V1Code));
        Assert.Equal("Hi {{name}}", Value(await api.A.V1Async(("Action", "GetTemplate"), ("TemplateName", "v1-errors")), "SubjectPart"));
    }

    [Fact]
    public async Task List_PagesByName_OnBothApis()
    {
        // A region of its own, so that the other tests' templates are not in the pages.
        using var west = new SesApiTestClient(api.Server.BaseUrl, api.KeyA.Id, api.KeyA.Secret, "eu-west-1");
        string[] names = ["page-e", "page-a", "page-d", "page-b", "page-c"];
        foreach (var name in names)
        {
            Assert.Equal(200, (await west.V2Async(HttpMethod.Post, "/v2/email/templates", Content(name))).Status);
        }

        var v2Pages = new List<string[]>();
        string? token = null;
        do
        {
            var page = await west.V2Async(HttpMethod.Get, "/v2/email/templates?PageSize=2" + (token is null ? "" : "&NextToken=" + Uri.EscapeDataString(token)));
            Assert.Equal(200, page.Status);
            v2Pages.Add([.. page.Json.GetProperty("TemplatesMetadata").EnumerateArray().Select(e => e.GetProperty("TemplateName").GetString()!)]);
            token = page.Json.TryGetProperty("NextToken", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (token is not null && v2Pages.Count < 10);

        var v1Pages = new List<string[]>();
        token = null;
        do
        {
            var page = token is null
                ? await west.V1Async(("Action", "ListTemplates"), ("MaxItems", "3"))
                : await west.V1Async(("Action", "ListTemplates"), ("MaxItems", "3"), ("NextToken", token));
            Assert.Equal(200, page.Status);
            v1Pages.Add([.. page.Xml.Descendants(SesApiTestClient.Ns + "Name").Select(e => e.Value)]);
            token = page.Xml.Descendants(SesApiTestClient.Ns + "NextToken").SingleOrDefault()?.Value;
        }
        while (token is not null && v1Pages.Count < 10);

        var defaultPage = await west.V2Async(HttpMethod.Get, "/v2/email/templates");
        var tooLarge = await west.V2Async(HttpMethod.Get, "/v2/email/templates?PageSize=101");
        var v1Clamped = await west.V1Async(("Action", "ListTemplates"), ("MaxItems", "1000"));

        Assert.Equal([["page-a", "page-b"], ["page-c", "page-d"], ["page-e"]], v2Pages);
        Assert.Equal([["page-a", "page-b", "page-c"], ["page-d", "page-e"]], v1Pages);
        Assert.Equal(5, defaultPage.Json.GetProperty("TemplatesMetadata").GetArrayLength());
        Assert.Equal((400, "BadRequestException"), (tooLarge.Status, tooLarge.ErrorType));
        Assert.Equal(5, v1Clamped.Xml.Descendants(SesApiTestClient.Ns + "Name").Count());

        // The region is its own namespace too: us-east-1 has none of them.
        var east = await api.A.V2Async(HttpMethod.Get, "/v2/email/templates?PageSize=100");
        Assert.DoesNotContain(east.Json.GetProperty("TemplatesMetadata").EnumerateArray(), e => e.GetProperty("TemplateName").GetString()!.StartsWith("page-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Accounts_EachHaveTheirOwnNamespace_NeitherSeesNorDeletesTheOther()
    {
        Assert.Equal(200, (await api.A.V2Async(HttpMethod.Post, "/v2/email/templates", Content("shared-name", subject: "from A"))).Status);
        Assert.Equal(200, (await api.A.V2Async(HttpMethod.Post, "/v2/email/templates", Content("a-only", subject: "only A"))).Status);

        var bSameName = await api.B.V2Async(HttpMethod.Post, "/v2/email/templates", Content("shared-name", subject: "from B"));
        var bGetShared = await api.B.V2Async(HttpMethod.Get, "/v2/email/templates/shared-name");
        var bGetAOnly = await api.B.V2Async(HttpMethod.Get, "/v2/email/templates/a-only");
        var bV1GetAOnly = await api.B.V1Async(("Action", "GetTemplate"), ("TemplateName", "a-only"));
        var bUpdateAOnly = await api.B.V2Async(HttpMethod.Put, "/v2/email/templates/a-only", """{"TemplateContent":{"Subject":"hijacked","Text":"t"}}""");
        var bV1UpdateAOnly = await api.B.V1Async(V1Template("UpdateTemplate", "a-only", subject: "hijacked"));
        var bRenderAOnly = await api.B.V2Async(HttpMethod.Post, "/v2/email/templates/a-only/render", """{"TemplateData":"{}"}""");
        var bV1RenderAOnly = await api.B.V1Async(("Action", "TestRenderTemplate"), ("TemplateName", "a-only"), ("TemplateData", "{}"));
        var bDeleteAOnly = await api.B.V2Async(HttpMethod.Delete, "/v2/email/templates/a-only");
        var bV1DeleteAOnly = await api.B.V1Async(("Action", "DeleteTemplate"), ("TemplateName", "a-only"));
        var bList = await api.B.V2Async(HttpMethod.Get, "/v2/email/templates?PageSize=100");
        var bV1List = await api.B.V1Async(("Action", "ListTemplates"), ("MaxItems", "100"));
        var bDeleteShared = await api.B.V2Async(HttpMethod.Delete, "/v2/email/templates/shared-name");

        Assert.Equal(200, bSameName.Status);
        Assert.Equal("from B", bGetShared.Json.GetProperty("TemplateContent").GetProperty("Subject").GetString());
        Assert.Equal((404, "NotFoundException"), (bGetAOnly.Status, bGetAOnly.ErrorType));
        Assert.Equal("TemplateDoesNotExist", bV1GetAOnly.V1Code);
        Assert.Equal((404, "NotFoundException"), (bUpdateAOnly.Status, bUpdateAOnly.ErrorType));
        Assert.Equal("TemplateDoesNotExist", bV1UpdateAOnly.V1Code);
        Assert.Equal((404, "NotFoundException"), (bRenderAOnly.Status, bRenderAOnly.ErrorType));
        Assert.Equal("TemplateDoesNotExist", bV1RenderAOnly.V1Code);
        Assert.Equal((404, "NotFoundException"), (bDeleteAOnly.Status, bDeleteAOnly.ErrorType));
        Assert.Equal(200, bV1DeleteAOnly.Status); // v1 answers success for a name the caller does not have…
        Assert.DoesNotContain("a-only", bList.Json.GetProperty("TemplatesMetadata").EnumerateArray().Select(e => e.GetProperty("TemplateName").GetString()));
        Assert.DoesNotContain("a-only", bV1List.Xml.Descendants(SesApiTestClient.Ns + "Name").Select(e => e.Value));
        Assert.Equal(200, bDeleteShared.Status);

        // …and A's templates are untouched.
        Assert.Equal("only A", (await api.A.V2Async(HttpMethod.Get, "/v2/email/templates/a-only")).Json.GetProperty("TemplateContent").GetProperty("Subject").GetString());
        Assert.Equal("from A", (await api.A.V2Async(HttpMethod.Get, "/v2/email/templates/shared-name")).Json.GetProperty("TemplateContent").GetProperty("Subject").GetString());
        Assert.Equal((404, "NotFoundException"), ((await api.B.V2Async(HttpMethod.Get, "/v2/email/templates/shared-name")).Status, (await api.B.V2Async(HttpMethod.Get, "/v2/email/templates/shared-name")).ErrorType));
    }

    [Fact]
    public async Task IamUser_MayReadAndRender_OnlyTheRootChanges()
    {
        var ct = TestContext.Current.CancellationToken;
        (await api.Service<IamService>().CreateAsync(SesApiServer.OwnerB, SesConsole.Data.Entities.IamPrincipalType.User, "template-reader", null, ct)).GetValueOrThrow();
        var key = (await api.Service<AccessKeysService>().CreateAsync(SesApiServer.OwnerB, "template-reader", ct)).GetValueOrThrow();
        using var user = new SesApiTestClient(api.Server.BaseUrl, key.Id, key.Secret);
        await api.B.V2Async(HttpMethod.Post, "/v2/email/templates", Content("b-root-made"));

        var get = await user.V2Async(HttpMethod.Get, "/v2/email/templates/b-root-made");
        var render = await user.V1Async(("Action", "TestRenderTemplate"), ("TemplateName", "b-root-made"), ("TemplateData", """{"name":"x","raw":"y"}"""));
        var create = await user.V2Async(HttpMethod.Post, "/v2/email/templates", Content("b-user-made"));
        var v1Delete = await user.V1Async(("Action", "DeleteTemplate"), ("TemplateName", "b-root-made"));

        Assert.Equal(200, get.Status);
        Assert.Equal(200, render.Status);
        Assert.Equal((403, "AccessDeniedException"), (create.Status, create.ErrorType));
        Assert.Equal((403, "AccessDenied"), (v1Delete.Status, v1Delete.V1Code));
        Assert.Equal(200, (await api.B.V2Async(HttpMethod.Get, "/v2/email/templates/b-root-made")).Status);
    }
}
