using System.Text;
using System.Text.Json;
using SesConsole.Domain.Primitives;

namespace SesConsole.Web.Features.Iam;

/// <summary>
/// Save-time checks of an identity-based policy's text that do not need the policy engine: size, JSON syntax (with the
/// line and column of the first problem) and an object at the top.
/// </summary>
public static class PolicyTextCheck
{
    /// <summary>IAM's limit for an inline user policy is 2,048 characters; we allow SES's 4 KB policy size for both kinds.</summary>
    public const int MaxBytes = 4096;

    public static Result Check(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Result.Failure("policy.empty", "Policy is required.");
        }

        if (Encoding.UTF8.GetByteCount(text) > MaxBytes)
        {
            return Result.Failure("policy.too_large", $"The policy is {Encoding.UTF8.GetByteCount(text)} bytes; the limit is {MaxBytes} bytes.");
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Result.Failure("policy.not_object", "A policy must be a JSON object: { \"Version\": …, \"Statement\": [ … ] }.", "line 1, column 1");
            }

            if (!doc.RootElement.TryGetProperty("Statement", out _))
            {
                return Result.Failure("policy.no_statement", "The policy has no Statement element.", "/Statement");
            }
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var column = (ex.BytePositionInLine ?? 0) + 1;
            var reason = ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0];
            return Result.Failure("policy.malformed_json", $"Malformed JSON at line {line}, column {column}: {reason}", $"line {line}, column {column}");
        }

        return Result.Success();
    }
}
