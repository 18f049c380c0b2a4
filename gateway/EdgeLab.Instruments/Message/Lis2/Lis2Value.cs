using System.Globalization;

namespace EdgeLab.Instruments.Message.Lis2;

/// <summary>
/// The number inside a result value (LIS02-A2 §10.1.4), kept beside the text: <c>33.86</c> → 33.86; <c>&lt;15</c> →
/// 15 with comparator <c>&lt;</c>; <c>&gt;=2</c> → 2 with <c>&gt;=</c>; <c>-----</c> (Pentra: not measured) and
/// <c>No Result</c> → no number. The text itself is never changed.
/// </summary>
internal static class Lis2Value
{
    private const NumberStyles Styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint
        | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;

    public static (decimal? Numeric, string? Comparator) Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return (null, null);
        var s = value.AsSpan().Trim();
        string? comparator = null;
        if (s.StartsWith("<=") || s.StartsWith(">="))
        {
            comparator = s[..2].ToString();
            s = s[2..];
        }
        else if (s.Length > 0 && s[0] is '<' or '>')
        {
            comparator = s[0] == '<' ? "<" : ">";
            s = s[1..];
        }
        if (s.IsEmpty || s.Length > 40)
            return (null, null);
        return decimal.TryParse(s, Styles, CultureInfo.InvariantCulture, out var d) ? (d, comparator) : (null, null);
    }
}
