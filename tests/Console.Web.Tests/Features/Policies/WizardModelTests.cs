using System.Text.Json.Nodes;
using SesConsole.Web.Features.Policies;

namespace SesConsole.Web.Tests.Features.Policies;

/// <summary>The wizard's model: conditions that share an operator and key, and the time window.</summary>
public sealed class WizardModelTests
{
    private const string Arn = "arn:aws:ses:us-east-1:111111111111:identity/example.com";

    private static WizardPolicy Parse(string key)
    {
        var template = PolicyTemplates.For(Arn, "111111111111", "example.com").Single(t => t.Key == key);
        Assert.True(WizardPolicy.TryParse(template.Document, out var model, out var error), error);
        return model;
    }

    private static WizardCondition From(params string[] values) =>
        new() { Operator = "StringLike", Key = "ses:FromAddress", Values = new() { Items = [.. values] } };

    [Fact]
    public void Two_conditions_with_the_same_operator_and_key_are_a_problem_never_a_silent_last_wins()
    {
        var model = Parse("account");
        var statement = model.Statements[0];
        statement.Conditions.Add(From("news@example.com"));
        statement.Conditions.Add(From("offers@example.com"));

        var problem = Assert.Single(model.Problems());
        Assert.Contains("StringLike on ses:FromAddress", problem, StringComparison.Ordinal);
        Assert.Null(statement.ProblemOf(statement.Conditions[0]));
        Assert.NotNull(statement.ProblemOf(statement.Conditions[1]));
        Assert.True(statement.IsDuplicate(statement.Conditions[1]));
        Assert.Throws<InvalidOperationException>(() => model.ToJson());
    }

    [Fact]
    public void Combine_is_explicit_and_ors_the_values_into_the_first_condition()
    {
        var model = Parse("account");
        var statement = model.Statements[0];
        statement.Conditions.Add(From("news@example.com"));
        statement.Conditions.Add(From("offers@example.com", "news@example.com"));

        statement.Combine(statement.Conditions[1]);

        Assert.Empty(model.Problems());
        var condition = JsonNode.Parse(model.ToJson())!["Statement"]![0]!["Condition"]!;
        Assert.Equal("""{"StringLike":{"ses:FromAddress":["news@example.com","offers@example.com"]}}""", condition.ToJsonString());
    }

    [Fact]
    public void Negated_operator_duplicates_say_that_combined_values_must_all_fail_to_match()
    {
        var model = Parse("account");
        var statement = model.Statements[0];
        statement.Conditions.Add(new WizardCondition { Operator = "StringNotLike", Key = "ses:FromAddress", Values = new() { Items = ["a@example.com"] } });
        statement.Conditions.Add(new WizardCondition { Operator = "StringNotLike", Key = "ses:FromAddress", Values = new() { Items = ["b@example.com"] } });

        Assert.Contains("must then match none of them", Assert.Single(model.Problems()), StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_key_under_different_operators_and_different_keys_under_one_operator_are_written()
    {
        var model = Parse("account");
        var statement = model.Statements[0];
        statement.Conditions.Add(From("news@example.com"));
        statement.Conditions.Add(new WizardCondition { Operator = "StringNotLike", Key = "ses:FromAddress", Values = new() { Items = ["x@example.com"] } });
        statement.Conditions.Add(new WizardCondition { Operator = "StringLike", Key = "ses:FromDisplayName", Values = new() { Items = ["Marketing"] } });

        Assert.Empty(model.Problems());
        var condition = JsonNode.Parse(model.ToJson())!["Statement"]![0]!["Condition"]!;
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"StringLike":{"ses:FromAddress":"news@example.com","ses:FromDisplayName":"Marketing"},"StringNotLike":{"ses:FromAddress":"x@example.com"}}"""),
            condition), condition.ToJsonString());
    }

    [Fact]
    public void A_condition_under_an_operator_kept_as_written_joins_its_block_or_is_a_problem_when_its_key_is_there()
    {
        var text = $$"""
            { "Statement": [ { "Effect": "Allow", "Principal": { "AWS": "222222222222" }, "Action": "ses:SendEmail", "Resource": "{{Arn}}",
              "Condition": { "Bool": { "aws:SecureTransport": true } } } ] }
            """;
        Assert.True(WizardPolicy.TryParse(text, out var model, out _));
        var statement = model.Statements[0];
        Assert.Empty(statement.Conditions);

        statement.Conditions.Add(new WizardCondition { Operator = "Bool", Key = "aws:SecureTransport", Values = new() { Items = ["false"] } });
        Assert.Contains("kept as written", Assert.Single(model.Problems()), StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => model.ToJson());

        statement.Conditions[0].Key = "aws:ViaAWSService";
        Assert.Empty(model.Problems());
        var condition = JsonNode.Parse(model.ToJson())!["Statement"]![0]!["Condition"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"Bool":{"aws:SecureTransport":true,"aws:ViaAWSService":"false"}}"""), condition), condition.ToJsonString());
    }

    [Fact]
    public void Time_window_adds_one_range_and_never_a_second_bound_of_a_kind()
    {
        var statement = Parse("account").Statements[0];
        var start = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.True(WizardTimeWindow.CanAdd(statement));
        WizardTimeWindow.Add(statement, start);
        WizardTimeWindow.Add(statement, start);

        Assert.False(WizardTimeWindow.CanAdd(statement));
        Assert.Equal(["DateGreaterThan:2026-12-01T00:00:00Z", "DateLessThan:2026-12-31T00:00:00Z"],
            statement.Conditions.Select(c => $"{c.Operator}:{string.Join(",", c.Values.Items)}"));
        var (from, until) = WizardTimeWindow.Of(statement);
        Assert.Same(statement.Conditions[0], from);
        Assert.Same(statement.Conditions[1], until);

        statement.Conditions.Remove(until!);
        Assert.True(WizardTimeWindow.CanAdd(statement));
        WizardTimeWindow.Add(statement, start);
        Assert.Equal(2, statement.Conditions.Count);
    }

    [Theory]
    [InlineData("2026-12-01T09:30", "2026-12-01T09:30:00Z")]
    [InlineData("2026-12-01T09:30:15", "2026-12-01T09:30:15Z")]
    [InlineData("2026-12-01T09:30:15.250", "2026-12-01T09:30:15Z")]
    public void Time_window_reads_the_picker_as_utc_and_writes_iso_8601(string input, string written)
    {
        var bound = new WizardCondition { Operator = "DateGreaterThan", Key = WizardTimeWindow.Key };

        WizardTimeWindow.SetFromInput(bound, input);

        Assert.Equal([written], bound.Values.Items);
        Assert.Equal(written[..^1], WizardTimeWindow.ToInput(bound));
    }

    [Theory]
    [InlineData("DateGreaterThan", "1800000000")]
    [InlineData("DateGreaterThan", "2026-12-01T00:00:00+02:00")]
    [InlineData("DateGreaterThan", "2026-12-01")]
    [InlineData("DateGreaterThanIfExists", "2026-12-01T00:00:00Z")]
    [InlineData("DateEquals", "2026-12-01T00:00:00Z")]
    public void Other_date_conditions_stay_free_text(string op, string value)
    {
        var statement = Parse("account").Statements[0];
        statement.Conditions.Add(new WizardCondition { Operator = op, Key = WizardTimeWindow.Key, Values = new() { Items = [value] } });

        Assert.Equal((null, null), WizardTimeWindow.Of(statement));
    }

    [Fact]
    public void A_window_that_ends_before_it_starts_is_an_error()
    {
        var statement = Parse("account").Statements[0];
        WizardTimeWindow.Add(statement, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var (from, until) = WizardTimeWindow.Of(statement);
        Assert.Null(WizardTimeWindow.RangeError(from, until));

        WizardTimeWindow.SetFromInput(until!, "2026-11-30T23:59");

        Assert.NotNull(WizardTimeWindow.RangeError(from, until));
    }
}
