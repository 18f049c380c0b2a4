using System.Globalization;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Web.Text.UiText;

namespace EdgeLab.Hub.Web.Lab;

/// <summary>
/// A result as the lab console and the clinic view write it: the value in the catalog unit, the reference range, and
/// the flag in words with a symbol (↑ ↓ ⚠) — never colour alone (WCAG 2.1 SC 1.4.1 Use of Color). Shared by the pages
/// and the clinic's PDF report so both say the same thing.
/// </summary>
internal static class ResultWords
{
    /// <summary>The value in the catalog's unit when it is numeric (after conversion), else as the analyzer sent it.</summary>
    public static string Value(LabResult r) =>
        r.Numeric is { } n ? $"{r.Comparator}{n.ToString(CultureInfo.InvariantCulture)}" : r.Value;

    public static string Unit(LabResult r) => r.Numeric is null ? "" : r.Unit ?? "";

    /// <summary><c>3.5–5.1</c>, <c>&lt; 5</c>, <c>&gt; 1</c>, the text range, or an empty string.</summary>
    public static string Range(LabResult r) => (r.ReferenceLow, r.ReferenceHigh) switch
    {
        ({ } lo, { } hi) => $"{lo.ToString(CultureInfo.InvariantCulture)}–{hi.ToString(CultureInfo.InvariantCulture)}",
        (null, { } hi) => $"< {hi.ToString(CultureInfo.InvariantCulture)}",
        ({ } lo, null) => $"> {lo.ToString(CultureInfo.InvariantCulture)}",
        _ => r.ReferenceText ?? "",
    };

    /// <summary>HL7 v3 ObservationInterpretation (FHIR R4 Observation.interpretation) in words, with a symbol; empty for none.</summary>
    public static string Flag(string? interpretation) => interpretation switch
    {
        InterpretationCodes.Normal => T("flag.n"),
        InterpretationCodes.Low => T("flag.l"),
        InterpretationCodes.High => T("flag.h"),
        InterpretationCodes.CriticalLow => T("flag.ll"),
        InterpretationCodes.CriticalHigh => T("flag.hh"),
        InterpretationCodes.Abnormal => T("flag.a"),
        _ => "",
    };

    /// <summary>A CSS class that only reinforces the words (bold for abnormal, boxed for critical).</summary>
    public static string FlagClass(string? interpretation) => interpretation switch
    {
        InterpretationCodes.CriticalLow or InterpretationCodes.CriticalHigh => "flag critical",
        InterpretationCodes.Low or InterpretationCodes.High or InterpretationCodes.Abnormal => "flag abnormal",
        _ => "flag",
    };

    public static string Hold(HoldReason reason) => T("hold." + reason.ToString().ToLowerInvariant());

    public static string State(ValidationState state) => T("validation." + state.ToString().ToLowerInvariant());

    /// <summary>A signed change: <c>+12.5 (+8.1 %)</c>.</summary>
    public static string Delta(decimal? delta, decimal? percent) => delta is not { } d ? "—"
        : Signed(d) + (percent is { } p ? $" ({Signed(p)} %)" : "");

    private static string Signed(decimal d) => (d > 0 ? "+" : d < 0 ? "−" : "±") + Math.Abs(d).ToString(CultureInfo.InvariantCulture);

    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);
}
