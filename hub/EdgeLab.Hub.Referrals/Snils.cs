namespace EdgeLab.Hub.Referrals;

/// <summary>
/// СНИЛС (insurance number of an individual personal account): 9 digits + 2 check digits, written <c>XXX-XXX-XXX YY</c>.
/// Check number per the Pension Fund's rule (Постановление Правления ПФР от 27.07.2004 № 109п, ред. 2006): the sum of
/// each of the first nine digits times its weight 9…1 (weight = position counted from the right); sum &lt; 100 → the sum;
/// 100 or 101 → 00; above 101 → sum mod 101, with 100 → 00. The rule is defined only for numbers above 001-001-998.
/// </summary>
public static class Snils
{
    /// <summary>Strips spaces and dashes; null when what remains is not 11 digits.</summary>
    public static string? Normalize(string? text)
    {
        if (text is null) return null;
        var digits = new string(text.Where(c => c is not (' ' or '-')).ToArray());
        return digits.Length == 11 && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    public static int CheckNumber(ReadOnlySpan<char> nineDigits)
    {
        var sum = 0;
        for (var i = 0; i < 9; i++) sum += (nineDigits[i] - '0') * (9 - i);
        if (sum < 100) return sum;
        if (sum is 100 or 101) return 0;
        var r = sum % 101;
        return r == 100 ? 0 : r;
    }

    /// <summary>True for 11 digits whose check number verifies (numbers ≤ 001-001-998 have no check rule and are rejected as not issued).</summary>
    public static bool IsValid(string? normalized)
    {
        if (normalized is not { Length: 11 } || !normalized.All(char.IsAsciiDigit)) return false;
        if (string.CompareOrdinal(normalized[..9], "001001998") <= 0) return false;
        return CheckNumber(normalized) == (normalized[9] - '0') * 10 + (normalized[10] - '0');
    }

    /// <summary>Builds a valid SNILS from nine digits (synthetic test data).</summary>
    public static string Complete(string nineDigits) => nineDigits + CheckNumber(nineDigits).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
}
