using System.Globalization;

namespace EdgeLab.Hub.Referrals;

/// <summary>
/// Specimen barcode ids issued by the hub: a 10-digit region-wide sequence followed by one check digit computed with
/// ISO/IEC 7064:2003 "MOD 11,10" (the hybrid system with a single numeric check character). It detects every single
/// substituted digit and every adjacent transposition, which Luhn does not (Luhn misses 09↔90), and never needs a
/// non-digit check character (unlike MOD 11-2's 'X'), so the id stays pure digits for Code 128 set C and hand entry.
/// </summary>
internal static class SpecimenBarcode
{
    public const int SequenceDigits = 10;
    public const int Length = SequenceDigits + 1;

    public static string Issue(long sequence)
    {
        if (sequence is <= 0 or >= 10_000_000_000) throw new ArgumentOutOfRangeException(nameof(sequence), "the specimen sequence has 10 digits");
        var body = sequence.ToString("D10", CultureInfo.InvariantCulture);
        return body + CheckDigit(body).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>ISO/IEC 7064 MOD 11,10: P₀ = 10; for each digit, S = (P + d) mod 10 (0 → 10), P = 2S mod 11; check c makes (P + c) mod 10 = 1.</summary>
    public static int CheckDigit(ReadOnlySpan<char> digits)
    {
        var p = 10;
        foreach (var ch in digits)
        {
            var s = (p + (ch - '0')) % 10;
            if (s == 0) s = 10;
            p = s * 2 % 11;
        }
        return (11 - p) % 10;
    }

    /// <summary>True when the text has the hub's barcode shape (11 digits), whatever its check digit.</summary>
    public static bool LooksLikeHubBarcode(string? text) =>
        text is { Length: Length } && text.All(char.IsAsciiDigit);

    /// <summary>True when the shape is right and the check digit verifies.</summary>
    public static bool IsValid(string? text) =>
        LooksLikeHubBarcode(text) && CheckDigit(text.AsSpan(0, SequenceDigits)) == text![SequenceDigits] - '0';
}
