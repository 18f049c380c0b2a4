namespace EdgeLab.Hub.Catalog;

/// <summary>A unit of the Ministry of Health NSI directory «Единицы измерения» (OID 1.2.643.5.1.13.13.11.1358).</summary>
public sealed record NsiUnit(string Code, string Display);

/// <summary>
/// The catalog's UCUM units → NSI «Единицы измерения» (1.2.643.5.1.13.13.11.1358), only where a published source shows
/// that code used for that unit: the fhir-ru Ru-SEMD example «Протокол лабораторного исследования» (source S1 of
/// Catalog/FSLI-SOURCES.md, section "Units"). A unit not listed here has no verified NSI code and keeps its UCUM coding;
/// it is never guessed, since a wrong number is another unit's real code.
/// </summary>
public static class NsiUnits
{
    public const string Oid = "1.2.643.5.1.13.13.11.1358";

    private static readonly Dictionary<string, NsiUnit> ByUcum = new(StringComparer.Ordinal)
    {
        // S1 observation-hematocrit, -neutrophils, -lymphocytes … (all relative counts).
        ["%"] = new("53", "%"),
        // S1 observation-hemoglobin, -hemoglobin-per-erithrocyte.
        ["g/L"] = new("60", "г/л"),
        // S1 observation-erythrocytes.
        ["10*12/L"] = new("328", "10^12/л"),
        // S1 observation-leukocytes, -thrombocytes, -neutrophils-total (the source writes the display two ways; the
        // unit is the same count per litre).
        ["10*9/L"] = new("322", "10^9/л"),
        // S1 observation-erythrocytes-volume, -thrombocyte-volume.
        ["fL"] = new("20", "фл"),
        // S1 observation-hemoglobin-in-erithrocyte-quantity.
        ["pg"] = new("13", "пг"),
    };

    /// <summary>The NSI unit for a UCUM unit, or null when no verified mapping exists.</summary>
    public static NsiUnit? FromUcum(string? ucum) => ucum is null ? null : ByUcum.GetValueOrDefault(ucum);

    /// <summary>Whether <paramref name="code"/> is one of the NSI codes mapped here.</summary>
    public static bool IsMappedCode(string? code) => code is not null && ByUcum.Values.Any(u => u.Code == code);
}
