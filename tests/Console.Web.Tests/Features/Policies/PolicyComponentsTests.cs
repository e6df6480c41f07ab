using System.Text.Json.Nodes;
using Bunit;
using SesConsole.Domain.Policies;
using SesConsole.Web.Components.Shared;
using SesConsole.Web.Features.Policies;
using SesConsole.Web.Tests.Shared;

namespace SesConsole.Web.Tests.Features.Policies;

/// <summary>bUnit: the Monaco wrapper's markers (BlazorMonaco's JS stubbed), the wizard's round trips, the simulator's explanation.</summary>
public sealed class PolicyComponentsTests : ConsoleTestContext
{
    private const string Arn = "arn:aws:ses:us-east-1:111111111111:identity/example.com";

    private static IReadOnlyList<PolicyDiagnostic> Diagnose(string text) =>
        PolicyValidator.ValidateIdentityPolicy(text).Diagnostics;

    [Fact]
    public void Wrapper_draws_domain_diagnostics_as_markers_at_their_line_and_column_and_lists_them()
    {
        JSInterop.Setup<string>(i => i.Identifier.EndsWith("getValue", StringComparison.Ordinal)).SetResult("{}");
        var text = "{\n  \"Statement\": {\n    \"Effect\": \"Allow\",\n    \"Action\": \"ses:SendRawEmali\",\n    \"Resource\": \"*\"\n  }\n}";
        var diagnostics = Diagnose(text);
        Assert.Contains(diagnostics, d => d.Code == PolicyDiagnosticCodes.UnknownAction);

        var editor = Render<PolicyJsonEditor>(p => p.Add(x => x.Id, "test-editor").Add(x => x.Value, text).Add(x => x.Diagnostics, diagnostics));

        editor.WaitForAssertion(() => Assert.Contains(JSInterop.Invocations, i => i.Identifier == "sesPolicyEditor.setMarkers"));
        var call = JSInterop.Invocations.Last(i => i.Identifier == "sesPolicyEditor.setMarkers");
        Assert.StartsWith("test-editor-", (string)call.Arguments[0]!, StringComparison.Ordinal);
        Assert.Equal(call.Arguments[0], editor.Find("[data-testid=policy-json-editor]").GetAttribute("data-editor-id"));
        var markers = System.Text.Json.JsonSerializer.SerializeToNode(call.Arguments[1])!.AsArray();
        var marker = markers.Single(m => (string?)m!["code"] == PolicyDiagnosticCodes.UnknownAction)!;
        Assert.Equal(4, (int)marker["line"]!);
        Assert.Equal(15, (int)marker["column"]!);
        Assert.True((bool)marker["error"]!);
        var problem = editor.Find($"[data-testid=policy-problem][data-code='{PolicyDiagnosticCodes.UnknownAction}']");
        Assert.Equal("4", problem.GetAttribute("data-line"));
        Assert.Contains("Ln 4, Col 15", problem.TextContent, StringComparison.Ordinal);

        problem.Click();
        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "sesPolicyEditor.reveal" && (int)i.Arguments[1]! == 4 && (int)i.Arguments[2]! == 15);
    }

    [Fact]
    public void Wrapper_sends_new_diagnostics_when_they_change_and_clears_them_when_fixed()
    {
        var bad = "{ \"Statement\": { \"Effect\": \"Allow\",, } }";
        var editor = Render<PolicyJsonEditor>(p => p.Add(x => x.Value, bad).Add(x => x.Diagnostics, Diagnose(bad)));
        editor.WaitForAssertion(() => Assert.Contains(JSInterop.Invocations, i => i.Identifier == "sesPolicyEditor.setMarkers"));

        editor.Render(p => p.Add(x => x.Diagnostics, Array.Empty<PolicyDiagnostic>()));

        var last = JSInterop.Invocations.Last(i => i.Identifier == "sesPolicyEditor.setMarkers");
        Assert.Empty(System.Text.Json.JsonSerializer.SerializeToNode(last.Arguments[1])!.AsArray());
        Assert.Empty(editor.FindAll("[data-testid=policy-problem]"));
    }

    public static TheoryData<string> TemplateKeys() => [.. PolicyTemplates.For(Arn, "111111111111", "example.com").Select(t => t.Key)];

    [Theory]
    [MemberData(nameof(TemplateKeys))]
    public void Wizard_round_trip_of_every_template_loses_nothing(string key)
    {
        var template = PolicyTemplates.For(Arn, "111111111111", "example.com").Single(t => t.Key == key);

        Assert.True(WizardPolicy.TryParse(template.Document, out var model, out var error), error);
        var back = model.ToJson();

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(template.Document), JsonNode.Parse(back)), back);
        Assert.All(model.Statements, s => Assert.Null(s.UnsupportedJson()));
        Assert.True(WizardPolicy.TryParse(back, out var again, out _));
        Assert.Equal(back, again.ToJson());
    }

    private const string Unsupported = """
        {
          "Version": "2012-10-17",
          "Id": "kept",
          "Custom": { "a": 1 },
          "Statement": {
            "Sid": "Odd",
            "Effect": "Allow",
            "Principal": { "AWS": ["222222222222"], "Federated": "cognito-identity.amazonaws.com" },
            "NotAction": "ses:SendBulkEmail",
            "Action": "ses:SendEmail",
            "Resource": "arn:aws:ses:us-east-1:111111111111:identity/example.com",
            "Condition": {
              "NumericLessThan": { "aws:EpochTime": 1800000000 },
              "StringLike": { "ses:FromAddress": "*@example.com" }
            }
          }
        }
        """;

    [Fact]
    public void Wizard_keeps_what_it_cannot_represent_and_shows_it_read_only()
    {
        Assert.True(WizardPolicy.TryParse(Unsupported, out var model, out _));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Unsupported), JsonNode.Parse(model.ToJson())));

        string? emitted = null;
        var wizard = Render<PolicyWizard>(p => p.Add(x => x.Text, Unsupported).Add(x => x.IdentityArn, Arn)
            .Add(x => x.TextChanged, (string t) => emitted = t));

        var shown = wizard.Find("[data-testid=wizard-unsupported]").TextContent;
        Assert.Contains("NotAction", shown, StringComparison.Ordinal);
        Assert.Contains("Federated", shown, StringComparison.Ordinal);
        Assert.Contains("NumericLessThan", shown, StringComparison.Ordinal);

        // An edit in the wizard (tick SendRawEmail) keeps every unsupported part.
        wizard.Find("input[data-testid='wizard-action-ses:SendRawEmail']").Change(true);

        Assert.NotNull(emitted);
        var after = JsonNode.Parse(emitted!)!;
        Assert.Equal("""["ses:SendEmail","ses:SendRawEmail"]""", after["Statement"]!["Action"]!.ToJsonString());
        after["Statement"]!["Action"] = "ses:SendEmail";
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Unsupported), after), emitted);
    }

    [Fact]
    public void Wizard_address_tester_uses_StringLike_semantics()
    {
        var text = PolicyTemplates.For(Arn, "111111111111", "example.com").Single(t => t.Key == "from-prefix").Document
            .Replace("marketing+*@example.com", "marketing+.*@example.com", StringComparison.Ordinal);
        var wizard = Render<PolicyWizard>(p => p.Add(x => x.Text, text).Add(x => x.IdentityArn, Arn));

        wizard.Find("input[data-testid=wizard-tester]").Input("marketing+news@example.com");
        Assert.Equal("doesn't match", wizard.Find("[data-testid=wizard-tester-result]").TextContent.Trim());

        wizard.Find("input[data-testid=wizard-tester]").Input("marketing+.news@example.com");
        Assert.Equal("matches", wizard.Find("[data-testid=wizard-tester-result]").TextContent.Trim());
    }

    [Fact]
    public void Simulator_shows_the_decision_and_the_engines_explanation()
    {
        var text = PolicyTemplates.For(Arn, "111111111111", "example.com").Single(t => t.Key == "from-prefix").Document
            .Replace("marketing+*@example.com", "marketing+.*@example.com", StringComparison.Ordinal);
        var line = -1;
        var panel = Render<PolicySimulatorPanel>(p => p.Add(x => x.IdentityArn, Arn).Add(x => x.EditedName, "draft")
            .Add(x => x.Policies, () => [("draft", text)])
            .Add(x => x.Input, new SimulationInput { Principal = AccountB, FromAddress = "marketing+news@example.com" })
            .Add(x => x.DecidingLineChanged, (int l) => line = l));

        panel.Find("[data-testid=sim-run]").Click();

        panel.WaitForAssertion(() => Assert.Equal("ImplicitDeny", panel.Find("[data-testid=sim-decision]").TextContent.Trim()));
        Assert.Contains("Statement `AuthorizeMarketer` did not apply: ses:FromAddress `marketing+news@example.com` does not match `marketing+.*@example.com` — in StringLike `.` is a literal dot",
            panel.Find("[data-testid=sim-statement]").TextContent, StringComparison.Ordinal);
        Assert.Equal(0, line);

        panel.Find("input[data-testid=sim-from]").Change("marketing+.news@example.com");
        panel.Find("[data-testid=sim-run]").Click();

        panel.WaitForAssertion(() => Assert.Equal("Allow", panel.Find("[data-testid=sim-decision]").TextContent.Trim()));
        Assert.Equal("true", panel.Find("[data-testid=sim-statement]").GetAttribute("data-deciding"));
        Assert.Equal(4, line);
    }

    [Fact]
    public void Simulator_principal_picker_offers_every_known_principal_and_keeps_free_text()
    {
        IReadOnlyList<KnownPrincipal> principals =
        [
            .. Enumerable.Range(1, 4).Select(i => new KnownPrincipal($"{i}0000000000{i}", $"Account {i}0000000000{i}", KnownPrincipalKind.Account, null)),
            .. Enumerable.Range(1, 6).Select(i => new KnownPrincipal($"arn:aws:iam::222222222222:user/u{i}", $"IAM user u{i} (222222222222)", KnownPrincipalKind.User, null)),
            .. Enumerable.Range(1, 2).Select(i => new KnownPrincipal($"arn:aws:iam::222222222222:role/r{i}", $"IAM role r{i} (222222222222)", KnownPrincipalKind.Role, null)),
            new("cognito-idp.amazonaws.com", "Service cognito-idp.amazonaws.com", KnownPrincipalKind.Service, null),
        ];
        var input = new SimulationInput();
        var (root, panel) = RenderWithProviders<PolicySimulatorPanel>(("IdentityArn", Arn), ("Policies", (Func<IReadOnlyList<(string, string)>>)(() => [])),
            ("Principals", principals), ("Input", input));

        panel.Find("input[data-testid=sim-principal]").Input("role r2");

        var option = root.WaitForElement("[data-testid=sim-principal-option][data-value='arn:aws:iam::222222222222:role/r2']");
        Assert.Contains("IAM role r2", option.TextContent, StringComparison.Ordinal);
        option.Click();
        panel.WaitForAssertion(() => Assert.Equal("arn:aws:iam::222222222222:role/r2", input.Principal));

        // Every principal is offered, not only the first eight.
        panel.Find("input[data-testid=sim-principal]").Input("a");
        root.WaitForAssertion(() => Assert.Equal(principals.Count, root.FindAll("[data-testid=sim-principal-option]").Count));

        panel.Find("input[data-testid=sim-principal]").Input("333333333333");
        panel.WaitForAssertion(() => Assert.Equal("333333333333", input.Principal));
    }
}
