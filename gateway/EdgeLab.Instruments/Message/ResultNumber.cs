using System.Globalization;

namespace EdgeLab.Instruments.Message;

/// <summary>
/// The number inside a result's text, kept beside the text, for ASTM (LIS02-A2 §10.1.4, R.4) and HL7 NM values
/// (v2.5 Table 0125): <c>33.86</c> → 33.86; <c>&lt;15</c> → 15 with comparator <c>&lt;</c>; <c>&gt;= 2</c> → 2 with
/// <c>&gt;=</c>; <c>-----</c> (Pentra: not measured), <c>No Result</c>, <c>1e5</c>, <c>1,5</c> → no number.
/// The comparators are HL7's SN set (§2.A.71), which analyzers also prefix to ASTM values. The text is never changed.
/// </summary>
internal static class ResultNumber
{
    private const NumberStyles Styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint
        | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;

    // Longest first, so ">=" is not read as ">" followed by "=2".
    private static readonly string[] Comparators = [">=", "<=", "<>", ">", "<", "="];

    // Longer than any number an analyzer reports: a long run of digits is an id or a histogram, not a value.
    private const int MaxNumberLength = 40;

    public static (decimal? Numeric, string? Comparator) Parse(ReadOnlySpan<char> text)
    {
        var s = text.Trim();
        string? comparator = null;
        foreach (var c in Comparators)
        {
            if (!s.StartsWith(c, StringComparison.Ordinal)) continue;
            comparator = c;
            s = s[c.Length..].TrimStart();
            break;
        }
        if (s.IsEmpty || s.Length > MaxNumberLength)
            return (null, null);
        return decimal.TryParse(s, Styles, CultureInfo.InvariantCulture, out var d) ? (d, comparator) : (null, null);
    }
}
