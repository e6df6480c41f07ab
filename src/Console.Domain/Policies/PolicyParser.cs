using System.Text.Json;

namespace SesConsole.Domain.Policies;

/// <summary>The outcome of <see cref="PolicyParser.Parse"/>: the document (null when the text is not JSON) and the diagnostics.</summary>
public sealed record PolicyParseResult(PolicyDocument? Document, IReadOnlyList<PolicyDiagnostic> Diagnostics)
{
    public bool HasErrors
    {
        get
        {
            foreach (var d in Diagnostics)
            {
                if (d.IsError)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>
/// Stage 1 of the policy engine: JSON text to <see cref="PolicyDocument"/>. Accepts IAM's shapes (a single value or an
/// array for <c>Statement</c>, <c>Action</c>, <c>Resource</c> and condition values; <c>"*"</c> or <c>{"AWS": …, "Service": …}</c>
/// for <c>Principal</c>) and reports shape problems (wrong JSON types, unknown or unsupported elements, duplicate keys)
/// as positioned diagnostics.
/// </summary>
/// <remarks>Total: never throws. Malformed JSON gives exactly one <see cref="PolicyDiagnosticCodes.MalformedJson"/> diagnostic.</remarks>
public static class PolicyParser
{
    internal static readonly string[] TopLevelElements = ["Version", "Id", "Statement"];
    internal static readonly string[] StatementElements = ["Sid", "Effect", "Principal", "Action", "Resource", "Condition"];
    private static readonly string[] UnsupportedElements = ["NotPrincipal", "NotAction", "NotResource"];
    private static readonly string[] PrincipalTypes = ["AWS", "Service"];

    public static PolicyParseResult Parse(string? text)
    {
        var diagnostics = new List<PolicyDiagnostic>();
        if (string.IsNullOrWhiteSpace(text))
        {
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, PolicyDiagnosticCodes.Empty, "Policy is required.", PolicyLocation.Root));
            return new PolicyParseResult(null, diagnostics);
        }

        try
        {
            if (!PositionedJsonReader.TryRead(text, out var root, out var error))
            {
                diagnostics.Add(error!);
                return new PolicyParseResult(null, diagnostics);
            }

            return new PolicyParseResult(ReadDocument(root!, diagnostics), diagnostics);
        }
#pragma warning disable CA1031 // Total by contract: any unexpected failure becomes a diagnostic, never an exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            diagnostics.Clear();
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, PolicyDiagnosticCodes.MalformedJson,
                $"The policy could not be read: {ex.Message}", PolicyLocation.Root));
            return new PolicyParseResult(null, diagnostics);
        }
    }

    private static PolicyDocument? ReadDocument(JNode root, List<PolicyDiagnostic> diagnostics)
    {
        if (root is not JObject obj)
        {
            diagnostics.Add(Shape(root, "The policy must be a JSON object such as {\"Version\": \"2012-10-17\", \"Statement\": [ … ]}."));
            return null;
        }

        PolicyText? version = null, id = null;
        PolicyLocation? statementLocation = null;
        var statements = new List<PolicyStatement>();
        foreach (var member in Members(obj, diagnostics))
        {
            switch (member.Name)
            {
                case "Version":
                    version = ReadString(member, diagnostics);
                    break;
                case "Id":
                    id = ReadString(member, diagnostics);
                    break;
                case "Statement":
                    statementLocation = member.Value.Location;
                    if (member.Value is JArray array)
                    {
                        foreach (var item in array.Items)
                        {
                            ReadStatement(item, statements, diagnostics);
                        }
                    }
                    else if (member.Value is JObject)
                    {
                        ReadStatement(member.Value, statements, diagnostics);
                    }
                    else
                    {
                        diagnostics.Add(Shape(member.Value, $"Statement must be an object or an array of objects, not {member.Value.KindName}."));
                    }

                    break;
                default:
                    diagnostics.Add(Unknown(member, TopLevelElements, "policy"));
                    break;
            }
        }

        return new PolicyDocument(version, id, statements, obj.Location, statementLocation);
    }

    private static void ReadStatement(JNode node, List<PolicyStatement> statements, List<PolicyDiagnostic> diagnostics)
    {
        if (node is not JObject obj)
        {
            diagnostics.Add(Shape(node, $"Each statement must be an object, not {node.KindName}."));
            return;
        }

        PolicyText? sid = null, effect = null;
        PolicyPrincipal? principal = null;
        var actions = new List<PolicyText>();
        var resources = new List<PolicyText>();
        var conditions = new List<PolicyCondition>();
        PolicyLocation? actionLocation = null, resourceLocation = null;
        foreach (var member in Members(obj, diagnostics))
        {
            switch (member.Name)
            {
                case "Sid":
                    sid = ReadString(member, diagnostics);
                    break;
                case "Effect":
                    effect = ReadString(member, diagnostics);
                    break;
                case "Principal":
                    principal = ReadPrincipal(member.Value, diagnostics);
                    break;
                case "Action":
                    actionLocation = member.Value.Location;
                    ReadStrings(member, actions, diagnostics);
                    break;
                case "Resource":
                    resourceLocation = member.Value.Location;
                    ReadStrings(member, resources, diagnostics);
                    break;
                case "Condition":
                    ReadConditions(member.Value, conditions, diagnostics);
                    break;
                default:
                    if (Array.IndexOf(UnsupportedElements, member.Name) >= 0)
                    {
                        var positive = member.Name[3..];
                        diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, PolicyDiagnosticCodes.UnsupportedElement,
                            $"{member.Name} is not supported in SES policies; use {positive} (with a Deny statement if you meant to exclude).",
                            member.NameLocation));
                    }
                    else
                    {
                        diagnostics.Add(Unknown(member, StatementElements, "statement"));
                    }

                    break;
            }
        }

        statements.Add(new PolicyStatement(statements.Count, sid, effect, principal, actions, resources, conditions, obj.Location)
        {
            HasAction = actionLocation is not null,
            HasResource = resourceLocation is not null,
            ActionLocation = actionLocation,
            ResourceLocation = resourceLocation,
        });
    }

    private static PolicyPrincipal? ReadPrincipal(JNode node, List<PolicyDiagnostic> diagnostics)
    {
        if (node is JScalar { IsString: true } scalar)
        {
            if (scalar.Text == "*")
            {
                return new PolicyPrincipal(true, [], [], node.Location);
            }

            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, PolicyDiagnosticCodes.InvalidPrincipal,
                $"Principal must be \"*\" or an object such as {{\"AWS\": \"123456789012\"}}, not the string '{scalar.Text}'.",
                node.Location, "Write {\"AWS\": \"" + scalar.Text + "\"}."));
            return new PolicyPrincipal(false, [], [], node.Location);
        }

        if (node is not JObject obj)
        {
            diagnostics.Add(Shape(node, $"Principal must be \"*\" or an object, not {node.KindName}."));
            return new PolicyPrincipal(false, [], [], node.Location);
        }

        var aws = new List<PolicyText>();
        var services = new List<PolicyText>();
        foreach (var member in Members(obj, diagnostics))
        {
            switch (member.Name)
            {
                case "AWS":
                    ReadStrings(member, aws, diagnostics);
                    break;
                case "Service":
                    ReadStrings(member, services, diagnostics);
                    break;
                default:
                    diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, PolicyDiagnosticCodes.InvalidPrincipal,
                        $"Principal type '{member.Name}' is not supported; SES policies accept AWS and Service principals.",
                        member.NameLocation, Suggestions.DidYouMean(member.Name, PrincipalTypes)));
                    break;
            }
        }

        return new PolicyPrincipal(false, aws, services, node.Location);
    }

    private static void ReadConditions(JNode node, List<PolicyCondition> conditions, List<PolicyDiagnostic> diagnostics)
    {
        if (node is not JObject obj)
        {
            diagnostics.Add(Shape(node, $"Condition must be an object of operators, not {node.KindName}."));
            return;
        }

        foreach (var op in Members(obj, diagnostics))
        {
            var opText = new PolicyText(op.Name, op.NameLocation);
            if (op.Value is not JObject keys)
            {
                diagnostics.Add(Shape(op.Value, $"The value of condition operator '{op.Name}' must be an object of keys, not {op.Value.KindName}."));
                continue;
            }

            foreach (var key in Members(keys, diagnostics))
            {
                var values = new List<PolicyText>();
                if (key.Value is JArray array)
                {
                    foreach (var item in array.Items)
                    {
                        AddConditionValue(item, values, diagnostics);
                    }
                }
                else
                {
                    AddConditionValue(key.Value, values, diagnostics);
                }

                conditions.Add(new PolicyCondition(opText, new PolicyText(key.Name, key.NameLocation), values));
            }
        }
    }

    private static void AddConditionValue(JNode node, List<PolicyText> values, List<PolicyDiagnostic> diagnostics)
    {
        if (node is JScalar { Type: JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False } scalar)
        {
            values.Add(new PolicyText(scalar.Text, node.Location));
        }
        else
        {
            diagnostics.Add(Shape(node, $"A condition value must be a string (or a number or boolean), not {node.KindName}."));
        }
    }

    private static PolicyText? ReadString(JMember member, List<PolicyDiagnostic> diagnostics)
    {
        if (member.Value is JScalar { IsString: true } scalar)
        {
            return new PolicyText(scalar.Text, member.Value.Location);
        }

        diagnostics.Add(Shape(member.Value, $"{member.Name} must be a string, not {member.Value.KindName}."));
        return null;
    }

    private static void ReadStrings(JMember member, List<PolicyText> into, List<PolicyDiagnostic> diagnostics)
    {
        if (member.Value is JArray array)
        {
            foreach (var item in array.Items)
            {
                if (item is JScalar { IsString: true } s)
                {
                    into.Add(new PolicyText(s.Text, item.Location));
                }
                else
                {
                    diagnostics.Add(Shape(item, $"Each {member.Name} entry must be a string, not {item.KindName}."));
                }
            }
        }
        else if (member.Value is JScalar { IsString: true } scalar)
        {
            into.Add(new PolicyText(scalar.Text, member.Value.Location));
        }
        else
        {
            diagnostics.Add(Shape(member.Value, $"{member.Name} must be a string or an array of strings, not {member.Value.KindName}."));
        }
    }

    /// <summary>The object's members, reporting repeated names (the later one is ignored).</summary>
    private static List<JMember> Members(JObject obj, List<PolicyDiagnostic> diagnostics)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<JMember>(obj.Members.Count);
        foreach (var member in obj.Members)
        {
            if (!seen.Add(member.Name))
            {
                diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, PolicyDiagnosticCodes.DuplicateKey,
                    $"'{member.Name}' appears more than once in the same object.", member.NameLocation));
                continue;
            }

            result.Add(member);
        }

        return result;
    }

    private static PolicyDiagnostic Shape(JNode node, string message) =>
        new(DiagnosticSeverity.Error, PolicyDiagnosticCodes.InvalidShape, message, node.Location);

    private static PolicyDiagnostic Unknown(JMember member, string[] known, string where) =>
        new(DiagnosticSeverity.Error, PolicyDiagnosticCodes.UnknownElement,
            $"'{member.Name}' is not a {where} element; the {where} elements are {string.Join(", ", known)}.",
            member.NameLocation, Suggestions.DidYouMean(member.Name, known));
}
