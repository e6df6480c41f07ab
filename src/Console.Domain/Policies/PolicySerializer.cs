using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SesConsole.Domain.Policies;

/// <summary>
/// Writes a <see cref="PolicyDocument"/> as canonical JSON: fixed element order, <c>Statement</c> always an array,
/// single values as strings and several as arrays, condition values as strings, no insignificant whitespace (as AWS
/// returns stored policies). Parsing the output and serializing again gives the same text.
/// </summary>
public static class PolicySerializer
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };
    private static readonly JsonWriterOptions Pretty = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };

    public static string Serialize(PolicyDocument document, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, indented ? Pretty : Compact))
        {
            writer.WriteStartObject();
            if (document.Version is not null)
            {
                writer.WriteString("Version", document.Version.Value);
            }

            if (document.Id is not null)
            {
                writer.WriteString("Id", document.Id.Value);
            }

            writer.WriteStartArray("Statement");
            foreach (var statement in document.Statements)
            {
                WriteStatement(writer, statement);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteStatement(Utf8JsonWriter writer, PolicyStatement statement)
    {
        writer.WriteStartObject();
        if (statement.Sid is not null)
        {
            writer.WriteString("Sid", statement.Sid.Value);
        }

        if (statement.Effect is not null)
        {
            writer.WriteString("Effect", statement.Effect.Value);
        }

        if (statement.Principal is { } principal)
        {
            if (principal.IsEveryone)
            {
                writer.WriteString("Principal", "*");
            }
            else
            {
                writer.WriteStartObject("Principal");
                if (principal.Aws.Count > 0)
                {
                    WriteOneOrMany(writer, "AWS", principal.Aws);
                }

                if (principal.Services.Count > 0)
                {
                    WriteOneOrMany(writer, "Service", principal.Services);
                }

                writer.WriteEndObject();
            }
        }

        if (statement.HasAction)
        {
            WriteOneOrMany(writer, "Action", statement.Actions);
        }

        if (statement.HasResource)
        {
            WriteOneOrMany(writer, "Resource", statement.Resources);
        }

        if (statement.Conditions.Count > 0)
        {
            writer.WriteStartObject("Condition");
            var operators = new List<string>();
            foreach (var c in statement.Conditions)
            {
                if (!operators.Contains(c.Operator.Value))
                {
                    operators.Add(c.Operator.Value);
                }
            }

            foreach (var op in operators)
            {
                writer.WriteStartObject(op);
                foreach (var c in statement.Conditions)
                {
                    if (c.Operator.Value == op)
                    {
                        WriteOneOrMany(writer, c.Key.Value, c.Values);
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteOneOrMany(Utf8JsonWriter writer, string name, IReadOnlyList<PolicyText> values)
    {
        if (values.Count == 1)
        {
            writer.WriteString(name, values[0].Value);
            return;
        }

        writer.WriteStartArray(name);
        foreach (var v in values)
        {
            writer.WriteStringValue(v.Value);
        }

        writer.WriteEndArray();
    }
}
