using SesConsole.Domain.Policies;

namespace SesConsole.Domain.Tests.Policies;

public sealed class PolicyParserTests
{
    [Theory]
    [InlineData("{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}", 3, 24)]
    [InlineData("{\"Statement\": [}", 1, 16)]
    [InlineData("{\n  \"Version\": \"2012-10-17\"\n  \"Statement\": []\n}", 3, 3)]
    [InlineData("{\"Id\": \"é\", x}", 1, 13)]
    [InlineData("{\"Statement\": [", 1, 16)]
    [InlineData("{} {}", 1, 4)]
    [InlineData("\r\n\r\n  nope", 3, 4)]
    public void Parse_MalformedJson_ReportsOneDiagnosticAtExactPosition(string text, int line, int column)
    {
        var result = PolicyParser.Parse(text);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Null(result.Document);
        Assert.Equal(PolicyDiagnosticCodes.MalformedJson, diagnostic.Code);
        Assert.Equal((line, column), (diagnostic.Line, diagnostic.Column));
    }

    [Fact]
    public void Parse_ValidPolicy_RecordsLineColumnAndPointerForEveryNode()
    {
        const string text = """
            {
              "Version": "2012-10-17",
              "Statement": [
                {
                  "Sid": "S1",
                  "Effect": "Allow",
                  "Principal": {"AWS": ["123456789012", "arn:aws:iam::111122223333:user/John"]},
                  "Action": ["ses:SendEmail", "ses:SendRawEmail"],
                  "Resource": "arn:aws:ses:us-east-1:888888888888:identity/example.com",
                  "Condition": {"StringLike": {"ses:FromAddress": ["a*", "b/c~d"]}}
                }
              ]
            }
            """;

        var result = PolicyParser.Parse(text);

        Assert.Empty(result.Diagnostics);
        var s = Assert.Single(result.Document!.Statements);
        Assert.Equal(new PolicyLocation("/Statement/0", 4, 5), s.Location);
        Assert.Equal(new PolicyLocation("/Statement/0/Sid", 5, 14), s.Sid!.Location);
        Assert.Equal(new PolicyLocation("/Statement/0/Principal/AWS/1", 7, 45), s.Principal!.Aws[1].Location);
        Assert.Equal(new PolicyLocation("/Statement/0/Action/1", 8, 35), s.Actions[1].Location);
        var condition = Assert.Single(s.Conditions);
        Assert.Equal(new PolicyLocation("/Statement/0/Condition/StringLike", 10, 21), condition.Operator.Location);
        Assert.Equal(new PolicyLocation("/Statement/0/Condition/StringLike/ses:FromAddress", 10, 36), condition.Key.Location);
        Assert.Equal("/Statement/0/Condition/StringLike/ses:FromAddress/1", condition.Values[1].Location.JsonPointer);
    }

    [Fact]
    public void Parse_ColumnsCountCharactersNotBytes()
    {
        var result = PolicyParser.Parse("{\"Id\": \"ééé\", \"Statement\": 5}");

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(PolicyDiagnosticCodes.InvalidShape, diagnostic.Code);
        Assert.Equal((1, 28), (diagnostic.Line, diagnostic.Column));
        Assert.Equal("/Statement", diagnostic.JsonPointer);
    }

    [Fact]
    public void Parse_PointerEscapesSlashAndTilde()
    {
        var result = PolicyParser.Parse("{\"a/b~c\": 1}");

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("/a~1b~0c", diagnostic.JsonPointer);
        Assert.Equal(PolicyDiagnosticCodes.UnknownElement, diagnostic.Code);
    }

    [Fact]
    public void Parse_SingleValuesAndArrays_GiveTheSameModel()
    {
        var one = PolicyParser.Parse("""{"Statement": {"Effect": "Allow", "Principal": {"AWS": "1"}, "Action": "ses:SendEmail", "Resource": "r"}}""");
        var many = PolicyParser.Parse("""{"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["1"]}, "Action": ["ses:SendEmail"], "Resource": ["r"]}]}""");

        Assert.Equal(PolicySerializer.Serialize(one.Document!), PolicySerializer.Serialize(many.Document!));
    }

    [Fact]
    public void Parse_DeepNesting_ReportsMalformedInsteadOfThrowing()
    {
        var text = new string('[', 10_000) + new string(']', 10_000);

        var result = PolicyParser.Parse(text);

        Assert.Equal(PolicyDiagnosticCodes.MalformedJson, Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void Serialize_CanonicalForm_IsCompactWithFixedOrder()
    {
        var parsed = PolicyParser.Parse("""
            {"Statement": {"Resource": "r", "Action": "ses:SendEmail", "Effect": "Allow", "Sid": "S",
             "Condition": {"Bool": {"aws:SecureTransport": true}}, "Principal": "*"}, "Version": "2012-10-17"}
            """);

        Assert.Equal(
            """{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Principal":"*","Action":"ses:SendEmail","Resource":"r","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}""",
            PolicySerializer.Serialize(parsed.Document!));
    }
}
