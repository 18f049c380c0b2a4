using System.Globalization;

namespace EdgeLab.Simulator.Generate;

/// <summary>
/// One test an analyzer reports, with a plausible adult reference interval and critical limits. Values are drawn
/// around the interval so most results are normal, some are flagged H/L and a few are critical (HH/LL), as in a
/// real day's run.
/// </summary>
internal sealed record Analyte(string Code, string Name, string Units, double Low, double High, double CriticalLow, double CriticalHigh, int Decimals)
{
    public string Range => $"{Format(Low)}-{Format(High)}";

    public string Format(double value) => value.ToString("F" + Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>A value: normal around the middle with a spread that puts roughly one in eight outside the interval.</summary>
    public double Draw(Random random)
    {
        var mid = (Low + High) / 2;
        var sd = (High - Low) / 3.2;
        // Box–Muller: a normal deviate from two uniform ones.
        var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var value = Math.Max(mid + (z * sd), CriticalLow * 0.5);
        return Math.Round(Math.Max(value, 0), Decimals);
    }

    /// <summary>LIS02-A2 §10.1.7 abnormal flags: LL/L/N/H/HH against this analyte's limits.</summary>
    public string Flag(double value) =>
        value <= CriticalLow ? "LL" : value < Low ? "L" : value >= CriticalHigh ? "HH" : value > High ? "H" : "N";

    /// <summary>Complete blood count (haematology analyzer) — SI units as used in Russian labs.</summary>
    public static IReadOnlyList<Analyte> Cbc { get; } =
    [
        new("WBC", "Leukocytes", "10*9/L", 4.0, 9.0, 2.0, 30.0, 2),
        new("RBC", "Erythrocytes", "10*12/L", 3.8, 5.3, 2.0, 7.0, 2),
        new("HGB", "Hemoglobin", "g/L", 120, 160, 70, 200, 0),
        new("HCT", "Hematocrit", "%", 36, 48, 20, 60, 1),
        new("MCV", "Mean cell volume", "fL", 80, 100, 60, 120, 1),
        new("MCH", "Mean cell hemoglobin", "pg", 27, 33, 20, 40, 1),
        new("MCHC", "Mean cell hemoglobin concentration", "g/L", 320, 360, 280, 400, 0),
        new("PLT", "Platelets", "10*9/L", 150, 400, 50, 1000, 0),
    ];

    /// <summary>Basic chemistry panel (chemistry analyzer).</summary>
    public static IReadOnlyList<Analyte> Chemistry { get; } =
    [
        new("GLU", "Glucose", "mmol/L", 3.9, 6.1, 2.2, 25.0, 1),
        new("CREA", "Creatinine", "umol/L", 62, 106, 20, 500, 0),
        new("UREA", "Urea", "mmol/L", 2.5, 8.3, 1.0, 35.0, 1),
        new("ALT", "Alanine aminotransferase", "U/L", 5, 41, 0, 1000, 0),
        new("AST", "Aspartate aminotransferase", "U/L", 5, 40, 0, 1000, 0),
        new("TBIL", "Total bilirubin", "umol/L", 3.4, 20.5, 0, 300, 1),
        new("CHOL", "Cholesterol", "mmol/L", 3.0, 5.2, 1.0, 12.0, 2),
        new("K", "Potassium", "mmol/L", 3.5, 5.1, 2.8, 6.2, 1),
        new("NA", "Sodium", "mmol/L", 136, 145, 120, 160, 0),
    ];
}
