namespace SesConsole.Domain.Policies;

/// <summary>
/// Allocation-free glob matching with IAM's two wildcards: <c>*</c> (any run, including empty) and <c>?</c> (exactly one
/// character). No other character is special.
/// </summary>
internal static class Wildcard
{
    public static bool HasWildcard(ReadOnlySpan<char> pattern) => pattern.IndexOfAny('*', '?') >= 0;

    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text, bool ignoreCase = false)
    {
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], text[t], ignoreCase)))
            {
                p++;
                t++;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToLowerInvariant(a) == char.ToLowerInvariant(b));
}

/// <summary>
/// An ARN pattern matched segment by segment over the six colon-separated parts (the last part keeps any further
/// colons), so <c>*</c> never crosses a <c>:</c>. A bare <c>*</c> matches anything.
/// </summary>
internal sealed class ArnPattern
{
    private readonly string[] _segments;

    private ArnPattern(string text, string[] segments, bool matchesAll)
    {
        Text = text;
        _segments = segments;
        MatchesAll = matchesAll;
    }

    public string Text { get; }

    public bool MatchesAll { get; }

    public static ArnPattern Create(string text)
    {
        if (text == "*")
        {
            return new ArnPattern(text, [], true);
        }

        var segments = text.Split(':', 6);
        return new ArnPattern(text, segments.Length == 6 ? segments : [], false);
    }

    public bool IsMatch(ReadOnlySpan<char> arn)
    {
        if (MatchesAll)
        {
            return true;
        }

        if (_segments.Length != 6)
        {
            return false;
        }

        for (var i = 0; i < 5; i++)
        {
            var colon = arn.IndexOf(':');
            if (colon < 0 || !Wildcard.IsMatch(_segments[i], arn[..colon]))
            {
                return false;
            }

            arn = arn[(colon + 1)..];
        }

        return Wildcard.IsMatch(_segments[5], arn);
    }
}
