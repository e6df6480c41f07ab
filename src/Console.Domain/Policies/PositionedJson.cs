using System.Text;
using System.Text.Json;

namespace SesConsole.Domain.Policies;

/// <summary>A JSON value with its location; the parser's intermediate tree (JsonDocument loses positions).</summary>
internal abstract class JNode(PolicyLocation location)
{
    public PolicyLocation Location { get; } = location;

    public abstract string KindName { get; }
}

internal sealed class JObject(PolicyLocation location) : JNode(location)
{
    public List<JMember> Members { get; } = [];

    public override string KindName => "an object";
}

internal sealed record JMember(string Name, PolicyLocation NameLocation, JNode Value);

internal sealed class JArray(PolicyLocation location) : JNode(location)
{
    public List<JNode> Items { get; } = [];

    public override string KindName => "an array";
}

/// <summary>A string, number, boolean or null; <see cref="Text"/> is the string value or the literal's raw text.</summary>
internal sealed class JScalar(PolicyLocation location, JsonTokenType type, string text) : JNode(location)
{
    public JsonTokenType Type { get; } = type;

    public string Text { get; } = text;

    public bool IsString => Type == JsonTokenType.String;

    public override string KindName => Type switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.Null => "null",
        _ => "a boolean",
    };
}

/// <summary>Reads UTF-8 JSON into a <see cref="JNode"/> tree with line, column and JSON pointer on every node.</summary>
internal static class PositionedJsonReader
{
    public const int MaxDepth = 32;

    public static bool TryRead(string text, out JNode? root, out PolicyDiagnostic? error)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var lines = new LineMap(bytes);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            MaxDepth = MaxDepth,
        });
        try
        {
            if (!reader.Read())
            {
                root = null;
                error = Malformed("The policy contains no JSON value.", lines.Locate("", bytes.Length));
                return false;
            }

            root = ReadValue(ref reader, "", lines);
            if (reader.Read())
            {
                // Utf8JsonReader rejects trailing content itself; this is a guard.
                root = null;
                error = Malformed("Unexpected content after the end of the policy.", lines.Locate("", (int)reader.TokenStartIndex));
                return false;
            }

            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            root = null;
            var line = (int)(ex.LineNumber ?? 0);
            var bytePos = (int)(ex.BytePositionInLine ?? 0);
            error = Malformed(CleanMessage(ex.Message), lines.FromLineAndByte(line, bytePos));
            return false;
        }
    }

    private static PolicyDiagnostic Malformed(string message, PolicyLocation location) =>
        new(DiagnosticSeverity.Error, PolicyDiagnosticCodes.MalformedJson, $"The policy is not valid JSON: {message}", location);

    private static string CleanMessage(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var cleaned = cut >= 0 ? message[..cut] : message;
        cut = cleaned.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut >= 0 ? cleaned[..cut] : cleaned).Trim();
    }

    private static JNode ReadValue(ref Utf8JsonReader reader, string pointer, LineMap lines)
    {
        var location = lines.Locate(pointer, (int)reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var obj = new JObject(location);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString() ?? "";
                    var childPointer = pointer + "/" + Escape(name);
                    var nameLocation = lines.Locate(childPointer, (int)reader.TokenStartIndex);
                    reader.Read();
                    obj.Members.Add(new JMember(name, nameLocation, ReadValue(ref reader, childPointer, lines)));
                }

                return obj;
            }

            case JsonTokenType.StartArray:
            {
                var array = new JArray(location);
                var index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Items.Add(ReadValue(ref reader, pointer + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture), lines));
                    index++;
                }

                return array;
            }

            case JsonTokenType.String:
                return new JScalar(location, JsonTokenType.String, reader.GetString() ?? "");
            default:
                return new JScalar(location, reader.TokenType, Encoding.UTF8.GetString(reader.ValueSpan));
        }
    }

    /// <summary>RFC 6901 escaping: <c>~</c> becomes <c>~0</c> and <c>/</c> becomes <c>~1</c>.</summary>
    public static string Escape(string name) =>
        name.Contains('~', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal)
            ? name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)
            : name;

    /// <summary>Maps UTF-8 byte offsets to 1-based line and UTF-16 column numbers.</summary>
    private sealed class LineMap
    {
        private readonly byte[] _bytes;
        private readonly List<int> _lineStarts = [0];

        public LineMap(byte[] bytes)
        {
            _bytes = bytes;
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    _lineStarts.Add(i + 1);
                }
            }
        }

        public PolicyLocation Locate(string pointer, int byteOffset)
        {
            byteOffset = Math.Clamp(byteOffset, 0, _bytes.Length);
            var line = _lineStarts.BinarySearch(byteOffset);
            if (line < 0)
            {
                line = ~line - 1;
            }

            return new PolicyLocation(pointer, line + 1, Column(_lineStarts[line], byteOffset));
        }

        /// <summary>From Utf8JsonReader's 0-based line number and byte position in that line.</summary>
        public PolicyLocation FromLineAndByte(int line, int bytePosition)
        {
            line = Math.Clamp(line, 0, _lineStarts.Count - 1);
            var start = _lineStarts[line];
            var offset = Math.Clamp(start + bytePosition, start, _bytes.Length);
            return new PolicyLocation("", line + 1, Column(start, offset));
        }

        private int Column(int lineStart, int byteOffset)
        {
            var chars = Encoding.UTF8.GetCharCount(_bytes, lineStart, byteOffset - lineStart);
            return chars + 1;
        }
    }
}
