using System.Globalization;

namespace SesConsole.Web.Components.Shared;

/// <summary>Counts in words for messages: "1 error", "2 errors" (never "error(s)").</summary>
public static class Plural
{
    /// <summary><paramref name="count"/> and <paramref name="noun"/>, with an "s" unless the count is one.</summary>
    public static string Of(int count, string noun) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : noun + "s");

    /// <summary><paramref name="count"/> and <paramref name="noun"/>, or <paramref name="plural"/> unless the count is one ("2 policies").</summary>
    public static string Of(int count, string noun, string plural) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : plural);
}
