using System.Collections;
using System.Reflection;
using System.Text.Json;
using SesConsole.Domain.Primitives;

namespace SesConsole.Web.Features.Api;

/// <summary>
/// The one binder of v2 request bodies: JSON into a typed request record (<c>SesApiRequests.cs</c>) with
/// System.Text.Json, so that a wrongly typed member (<c>{"FromEmailAddress":5}</c>, <c>"Destination":[]</c>, a
/// top-level array) is a 400 <c>BadRequestException</c> naming the member, never an exception in a handler
/// (docs/ses-api-errors.md). Member names are case-sensitive, as in the AWS JSON protocols; unknown members are ignored.
/// </summary>
public static class SesApiJson
{
    private static readonly JsonSerializerOptions Options = new() { MaxDepth = 32 };

    /// <summary>An empty body is <c>{}</c>; anything but a JSON object, or a member of the wrong type, is an error.</summary>
    public static Result<T> Bind<T>(ReadOnlyMemory<byte> body) where T : class, new()
    {
        if (body.IsEmpty)
        {
            return new T();
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            return Invalid($"The request body is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}).");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Invalid($"The request body must be a JSON object, not {Describe(document.RootElement.ValueKind)}.");
            }

            try
            {
                return document.RootElement.Deserialize<T>(Options) ?? new T();
            }
            catch (JsonException ex)
            {
                return Invalid(FieldMessage(typeof(T), ex.Path));
            }
        }
    }

    /// <summary>"Field Destination.ToAddresses[0] must be a string." for the JSON path of a conversion error.</summary>
    public static string FieldMessage(Type root, string? path)
    {
        var field = path is null ? "" : path.TrimStart('$').TrimStart('.');
        if (field.Length == 0)
        {
            return "The request body has a value of the wrong type.";
        }

        return Resolve(root, path!) is { } type
            ? $"Field {field} must be {Expected(type)}."
            : $"Field {field} has a value of the wrong type.";
    }

    private static Error Invalid(string message) => new("InvalidParameterValue", message);

    /// <summary>The declared type at a System.Text.Json path such as <c>$.Content.Simple.Subject.Data</c> or <c>$.To[2]</c>.</summary>
    private static Type? Resolve(Type type, string path)
    {
        var i = 1; // after '$'
        Type? current = type;
        while (current is not null && i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                var name = end < 0 ? path[(i + 1)..] : path[(i + 1)..end];
                current = Member(current, name);
                i = end < 0 ? path.Length : end;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0)
                {
                    return null;
                }

                var inside = path[(i + 1)..end];
                current = inside.StartsWith('\'') ? Member(current, inside.Trim('\'')) : Element(current);
                i = end + 1;
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    private static Type? Member(Type type, string name)
    {
        if (Dictionary(type) is { } value)
        {
            return value;
        }

        return type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance)?.PropertyType;
    }

    private static Type? Element(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static Type? Dictionary(Type type) =>
        type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))?.GetGenericArguments()[1];

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "a string";
        }

        if (type == typeof(bool))
        {
            return "a boolean (true or false)";
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return "an integer";
        }

        if (type == typeof(double) || type == typeof(decimal) || type == typeof(float))
        {
            return "a number";
        }

        if (Dictionary(type) is not null)
        {
            return "a map (a JSON object)";
        }

        if (typeof(IEnumerable).IsAssignableFrom(type))
        {
            return "a list (a JSON array)";
        }

        return "a structure (a JSON object)";
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
