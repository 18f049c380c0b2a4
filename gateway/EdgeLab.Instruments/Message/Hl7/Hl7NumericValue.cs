using System.Globalization;

namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>
/// The number beside an OBX-5 value, by OBX-2 value type (HL7 v2.5 Table 0125): NM is a number (an optional
/// comparator prefix such as <c>&lt;15</c> is tolerated, as analyzers send it); SN (§2.A.71) is
/// <c>comparator^num1^separator^num2</c> and gives a number only when it is not a range or ratio. Every other type
/// (ST, IS, CE, ED histograms and images, …) is text and has no number.
/// </summary>
internal static class Hl7NumericValue
{
    public static (decimal? Numeric, string? Comparator) Read(string valueType, Hl7Value field)
    {
        if (valueType.Equals("NM", StringComparison.OrdinalIgnoreCase))
            return ResultNumber.Parse(field.Repetition(0).ToString());
        if (valueType.Equals("SN", StringComparison.OrdinalIgnoreCase))
        {
            var comparator = field.Component(1).ToString().Trim();
            var separator = field.Component(3).ToString().Trim();
            if (separator.Length > 0 || !field.Component(4).IsEmpty) return (null, null);
            return TryNumber(field.Component(2).ToString().Trim(), out var n)
                ? (n, comparator.Length == 0 ? null : comparator)
                : (null, null);
        }
        return (null, null);
    }

    private static bool TryNumber(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
}
