using System.Globalization;

namespace EdgeLab.Hub.Referrals;

/// <summary>
/// Specimen barcode ids issued by the hub: a 10-digit region-wide sequence followed by one check digit computed with
/// the Damm algorithm (H. M. Damm, "Total anti-symmetrische Quasigruppen", 2004; the order-10 quasigroup table below is
/// the published one). It detects every single substituted digit and every adjacent transposition — including the
/// check digit itself — which Luhn (misses 09↔90) and ISO/IEC 7064 MOD 11,10 (misses e.g. 56↔65 in some positions) do
/// not, and it needs no non-digit check character (unlike MOD 11-2's 'X'), so ids stay pure digits for Code 128 set C
/// and hand entry. The property is tested exhaustively in SpecimenBarcodeTests.
/// </summary>
public static class SpecimenBarcode
{
    public const int SequenceDigits = 10;
    public const int Length = SequenceDigits + 1;

    private static readonly byte[,] Quasigroup =
    {
        { 0, 3, 1, 7, 5, 9, 8, 6, 4, 2 },
        { 7, 0, 9, 2, 1, 5, 4, 8, 6, 3 },
        { 4, 2, 0, 6, 8, 7, 1, 3, 5, 9 },
        { 1, 7, 5, 0, 9, 8, 3, 4, 2, 6 },
        { 6, 1, 2, 3, 0, 4, 5, 9, 7, 8 },
        { 3, 6, 7, 4, 2, 0, 9, 5, 8, 1 },
        { 5, 8, 6, 9, 7, 2, 0, 1, 3, 4 },
        { 8, 9, 4, 5, 3, 6, 2, 0, 1, 7 },
        { 9, 4, 3, 8, 6, 1, 7, 2, 0, 5 },
        { 2, 5, 8, 1, 4, 3, 6, 7, 9, 0 },
    };

    public static string Issue(long sequence)
    {
        if (sequence is <= 0 or >= 10_000_000_000) throw new ArgumentOutOfRangeException(nameof(sequence), "the specimen sequence has 10 digits");
        var body = sequence.ToString("D10", CultureInfo.InvariantCulture);
        return body + CheckDigit(body).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Damm: interim = 0; for each digit interim = Q[interim, digit]; the check digit is the final interim.</summary>
    public static int CheckDigit(ReadOnlySpan<char> digits)
    {
        var interim = 0;
        foreach (var ch in digits) interim = Quasigroup[interim, ch - '0'];
        return interim;
    }

    /// <summary>True when the text has the hub's barcode shape (11 digits), whatever its check digit.</summary>
    public static bool LooksLikeHubBarcode(string? text) =>
        text is { Length: Length } && text.All(char.IsAsciiDigit);

    /// <summary>True when the shape is right and the whole number (check digit included) reduces to 0.</summary>
    public static bool IsValid(string? text) => LooksLikeHubBarcode(text) && CheckDigit(text) == 0;
}
