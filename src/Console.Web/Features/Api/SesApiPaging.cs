using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using SesConsole.Domain.Primitives;
using SesConsole.Web.Features.Identities;

namespace SesConsole.Web.Features.Api;

/// <summary>One page of identities and the token for the next one (null on the last page).</summary>
public sealed record IdentityPage(IReadOnlyList<IdentityRow> Items, string? NextToken);

/// <summary>
/// Paging of v1 ListIdentities (<c>MaxItems</c>) and v2 ListEmailIdentities (<c>PageSize</c>): 1 to 1,000 per page,
/// 1,000 when not given (SES's range). The token is opaque to callers: the type and name of the last identity returned,
/// so a page boundary stays put when identities are added or deleted between calls (the list is ordered by type, then name).
/// </summary>
public static class SesApiPaging
{
    public const int MaxPageSize = 1000;

    public static Result<IdentityPage> Page(IReadOnlyList<IdentityRow> ordered, string? pageSizeText, string? token, string pageSizeName)
    {
        ArgumentNullException.ThrowIfNull(ordered);
        var sized = PageSize(pageSizeText, pageSizeName);
        if (!sized.IsSuccess)
        {
            return sized.Error!;
        }

        var size = sized.Value;

        var start = 0;
        if (!string.IsNullOrEmpty(token))
        {
            if (!TryReadToken(token, out var type, out var name))
            {
                return new Error("InvalidParameterValue", "The NextToken is not valid; pass the NextToken of the previous response unchanged.");
            }

            while (start < ordered.Count && Compare(ordered[start], type, name) <= 0)
            {
                start++;
            }
        }

        var items = ordered.Skip(start).Take(size).ToList();
        var next = start + items.Count < ordered.Count ? Token(items[^1]) : null;
        return new IdentityPage(items, next);
    }

    /// <summary>
    /// One page of names in ordinal order (configuration sets): the same page sizes, and a token holding the last name
    /// returned, so a boundary stays put when names are added or deleted between calls.
    /// </summary>
    public static Result<(IReadOnlyList<string> Items, string? NextToken)> PageNames(IReadOnlyList<string> ordered, string? pageSizeText, string? token, string pageSizeName)
    {
        ArgumentNullException.ThrowIfNull(ordered);
        var sized = PageSize(pageSizeText, pageSizeName);
        if (!sized.IsSuccess)
        {
            return sized.Error!;
        }

        var size = sized.Value;

        var start = 0;
        if (!string.IsNullOrEmpty(token))
        {
            string last;
            try
            {
                last = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(token));
            }
            catch (FormatException)
            {
                return new Error("InvalidParameterValue", "The NextToken is not valid; pass the NextToken of the previous response unchanged.");
            }

            while (start < ordered.Count && string.CompareOrdinal(ordered[start], last) <= 0)
            {
                start++;
            }
        }

        IReadOnlyList<string> items = [.. ordered.Skip(start).Take(size)];
        var next = start + items.Count < ordered.Count ? WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(items[^1])) : null;
        return (items, next);
    }

    private static int Compare(IdentityRow row, int type, string name)
    {
        var byType = ((int)row.Type).CompareTo(type);
        return byType != 0 ? byType : string.CompareOrdinal(row.Name, name);
    }

    private static string Token(IdentityRow last) =>
        WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{(int)last.Type}:{last.Name}")));

    private static bool TryReadToken(string token, out int type, out string name)
    {
        (type, name) = (0, "");
        string text;
        try
        {
            text = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(token));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !int.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out type))
        {
            return false;
        }

        name = text[(colon + 1)..];
        return name.Length > 0;
    }

    /// <summary>The page size a request asked for (1–<see cref="MaxPageSize"/>), <see cref="MaxPageSize"/> when absent.</summary>
    private static Result<int> PageSize(string? pageSizeText, string pageSizeName) =>
        pageSizeText is null ? MaxPageSize
        : int.TryParse(pageSizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= MaxPageSize ? size
        : new Error("InvalidParameterValue", $"{pageSizeName} must be a whole number from 1 to {MaxPageSize}; got '{pageSizeText}'.");
}
