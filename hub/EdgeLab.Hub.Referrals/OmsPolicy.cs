namespace EdgeLab.Hub.Referrals;

/// <summary>
/// Единый номер полиса ОМС: 16 digits (Федеральный закон № 326-ФЗ, ст. 46). Spaces and dashes are removed. The check
/// digit rule of the unified policy number is not applied here (its published description varies); the length and
/// digit rule is.
/// </summary>
public static class OmsPolicy
{
    public static string? Normalize(string? text)
    {
        if (text is null) return null;
        var digits = new string(text.Where(c => c is not (' ' or '-')).ToArray());
        return digits.Length == 16 && digits.All(char.IsAsciiDigit) ? digits : null;
    }
}
