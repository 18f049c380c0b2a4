using System.Globalization;
using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Web.Text.UiText;

namespace EdgeLab.Hub.Web.Cabinet;

/// <summary>
/// How a result reads for a patient: the flag in words and a symbol (never colour alone, WCAG 2.1 SC 1.4.1), values
/// with the catalog's decimals and the page language's decimal separator, the range, the status in words.
/// </summary>
internal static class CabinetFormat
{
    /// <summary>HL7 v3 ObservationInterpretation (FHIR R4 Observation.interpretation) → symbol and words.</summary>
    public static (string Symbol, string Words) Flag(string? interpretation) => interpretation switch
    {
        InterpretationCodes.Normal => ("✓", T("cabinet.flag.normal")),
        InterpretationCodes.Low => ("↓", T("cabinet.flag.low")),
        InterpretationCodes.High => ("↑", T("cabinet.flag.high")),
        InterpretationCodes.CriticalLow => ("⇊", T("cabinet.flag.criticalLow")),
        InterpretationCodes.CriticalHigh => ("⇈", T("cabinet.flag.criticalHigh")),
        InterpretationCodes.Abnormal => ("!", T("cabinet.flag.abnormal")),
        _ => ("—", T("cabinet.flag.none")),
    };

    /// <summary>True for a value outside the range: the row is marked (by weight and symbol as well as colour).</summary>
    public static bool IsOut(string? interpretation) => interpretation is not (null or InterpretationCodes.Normal);

    public static string Number(decimal value, int decimals)
    {
        var text = Math.Round(value, Math.Clamp(decimals, 0, 6), MidpointRounding.AwayFromZero).ToString("0." + new string('#', Math.Clamp(decimals, 0, 6)), CultureInfo.InvariantCulture);
        return IsEnglish ? text : text.Replace('.', ',');
    }

    public static string Value(LabResult r, TestDefinition? test) =>
        r.Numeric is { } n ? $"{r.Comparator}{Number(n, test?.Decimals ?? 2)}" : r.Value;

    public static string Unit(LabResult r) => r.Unit is { Length: > 0 } u ? UcumDisplay(u) : "";

    /// <summary>UCUM annotations and powers as people write them: <c>10*9/L</c> → ×10⁹/л is for the lab; the patient reads 10^9/L.</summary>
    public static string UcumDisplay(string unit) => unit.Replace("10*", "10^", StringComparison.Ordinal).Replace("{copies}", IsEnglish ? "copies" : "копий", StringComparison.Ordinal);

    public static string Range(LabResult r, TestDefinition? test)
    {
        var d = test?.Decimals ?? 2;
        return (r.ReferenceLow, r.ReferenceHigh) switch
        {
            ({ } low, { } high) => $"{Number(low, d)} – {Number(high, d)}",
            ({ } low, null) => $"≥ {Number(low, d)}",
            (null, { } high) => $"≤ {Number(high, d)}",
            _ => r.ReferenceText ?? "—",
        };
    }

    public static string Status(ResultStatus status) => status switch
    {
        ResultStatus.Preliminary => T("cabinet.status.preliminary"),
        ResultStatus.Corrected => T("cabinet.status.corrected"),
        _ => T("cabinet.status.final"),
    };

    public static string ReportStatus(Domain.ReportStatus status) => status switch
    {
        Domain.ReportStatus.Final => T("cabinet.report.final"),
        Domain.ReportStatus.Amended => T("cabinet.report.amended"),
        Domain.ReportStatus.Registered => T("cabinet.report.registered"),
        _ => T("cabinet.report.partial"),
    };

    public static string Name(TestDefinition? test, string code) =>
        test is null ? code : IsEnglish ? test.Name : test.NameRu ?? test.Name;

    public static string? Note(TestDefinition? test) =>
        test is null ? null : IsEnglish ? test.PatientNote : test.PatientNoteRu ?? test.PatientNote;

    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);
}
