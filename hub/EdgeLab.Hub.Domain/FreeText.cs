namespace EdgeLab.Hub.Domain;

/// <summary>
/// The one rule for caller-supplied text (names, practitioner ids, external ids, search and filter values): printable
/// and bounded. Control characters are refused because no name, identifier or code holds one, and PostgreSQL
/// <c>text</c> cannot even store U+0000 (it failed with 22021 → 500, while SQLite stored it); length is bounded so a
/// client cannot park megabytes in a column (SQLite took a 5 MB practitioner id). Every endpoint and the referral
/// validator ask here, so the rule is the same on both databases and for every field.
/// </summary>
public static class FreeText
{
    /// <summary>Default bound for a short free-text field (a name, an id, a code, a filter value).</summary>
    public const int MaxLength = 256;

    /// <summary>Why <paramref name="value"/> is refused, or null when it is acceptable (null is acceptable: required-ness is the caller's rule).</summary>
    public static string? Problem(string? value, int maxLength = MaxLength)
    {
        if (value is null) return null;
        if (value.Length > maxLength) return $"is longer than {maxLength} characters";
        foreach (var c in value)
        {
            if (char.IsControl(c)) return $"contains a control character (U+{(int)c:X4}); send printable text";
        }
        // A lone surrogate is not a character: neither UTF-8 nor PostgreSQL text can hold it.
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
            if (char.IsSurrogate(value[i])) return "contains an unpaired UTF-16 surrogate; send valid Unicode text";
        }
        return null;
    }

    public static bool IsAcceptable(string? value, int maxLength = MaxLength) => Problem(value, maxLength) is null;
}
