using System.Text.RegularExpressions;
using SesConsole.Domain.Primitives;

namespace SesConsole.Domain.Principals;

/// <summary>An AWS Organizations ID: <c>o-</c> followed by 10 to 32 lowercase letters or digits.</summary>
/// <remarks>Equality is ordinal. The default value is not valid; use <see cref="Parse"/>.</remarks>
public readonly partial record struct OrganizationId
{
    private OrganizationId(string value) => Value = value;

    public string Value { get; }

    public static Result<OrganizationId> Parse(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        if (!Pattern().IsMatch(trimmed))
        {
            return Result<OrganizationId>.Failure("principal.invalid_organization_id",
                $"'{text}' is not an organization ID: it must be 'o-' followed by 10 to 32 lowercase letters or digits, for example o-a1b2c3d4e5.");
        }

        return new OrganizationId(trimmed);
    }

    public override string ToString() => Value ?? "";

    [GeneratedRegex("^o-[a-z0-9]{10,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
