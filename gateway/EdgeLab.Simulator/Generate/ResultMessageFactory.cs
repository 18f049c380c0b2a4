using System.Globalization;
using System.Text;
using EdgeLab.Simulator.Astm;
using EdgeLab.Simulator.Hl7;

namespace EdgeLab.Simulator.Generate;

/// <summary>One generated result set: which instrument, which specimen, which panel, the values drawn.</summary>
internal sealed record GeneratedResults(string InstrumentId, int Sequence, string SpecimenId, string Panel, DateTimeOffset CompletedAt,
    IReadOnlyList<(Analyte Analyte, double Value)> Values);

/// <summary>
/// Builds realistic result messages for the generate command: a LIS02-A2 H-P-O-R…-L message or an HL7 v2.5.1
/// ORU^R01. Patient data is synthetic (SIMULATED^PATIENT), never real.
/// </summary>
internal static class ResultMessageFactory
{
    public static GeneratedResults Draw(string instrumentId, int sequence, string specimenId, string panel, DateTimeOffset now, Random random)
    {
        var analytes = panel switch
        {
            "cbc" => Analyte.Cbc,
            "chem" => Analyte.Chemistry,
            _ => random.Next(2) == 0 ? Analyte.Cbc : Analyte.Chemistry,
        };
        var name = ReferenceEquals(analytes, Analyte.Cbc) ? "CBC" : "CHEM";
        return new GeneratedResults(instrumentId, sequence, specimenId, name, now, analytes.Select(a => (a, a.Draw(random))).ToList());
    }

    /// <summary>LIS02-A2 records: H (§7), P (§8), O (§9), R (§10) per analyte, L (§12). Delimiters <c>|\^&amp;</c>.</summary>
    public static AstmMessage ToAstm(GeneratedResults r)
    {
        var ts = Stamp(r.CompletedAt);
        var records = new List<string>
        {
            $"H|\\^&|||EdgeLabSim^{r.InstrumentId}^1.0|||||||P|LIS2-A2|{ts}",
            $"P|1||SIM{r.Sequence:D5}||SIMULATED^PATIENT",
            $"O|1|{r.SpecimenId}||^^^{r.Panel}|R|{ts}|||||N||||BLOOD||||||||||F",
        };
        var i = 1;
        foreach (var (analyte, value) in r.Values)
            records.Add($"R|{i++}|^^^{analyte.Code}|{analyte.Format(value)}|{analyte.Units}|{analyte.Range}|{analyte.Flag(value)}||F||||{ts}");
        records.Add("L|1|N");
        return new AstmMessage(records.Select(x => Encoding.Latin1.GetBytes(x)).ToList());
    }

    /// <summary>HL7 v2.5.1 ORU^R01 (§7.3.1): MSH, PID, OBR with the specimen id in OBR-3, one NM OBX per analyte.</summary>
    public static Hl7Message ToHl7(GeneratedResults r)
    {
        var ts = Stamp(r.CompletedAt);
        var segments = new List<string>
        {
            $"MSH|^~\\&|EdgeLabSim|{r.InstrumentId}|LIS|LAB|{ts}||ORU^R01^ORU_R01|{r.InstrumentId}-{r.Sequence}|P|2.5.1||||||UNICODE UTF-8",
            $"PID|1||SIM{r.Sequence:D5}^^^SIM^MR||SIMULATED^PATIENT",
            $"OBR|1||{r.SpecimenId}|{r.Panel}^{r.Panel}^99SIM|||{ts}|||||||||||||||{ts}|||F",
        };
        var i = 1;
        foreach (var (analyte, value) in r.Values)
            segments.Add($"OBX|{i++}|NM|{analyte.Code}^{analyte.Name}^99SIM||{analyte.Format(value)}|{analyte.Units}|{analyte.Range}|{analyte.Flag(value)}|||F|||{ts}");
        return new Hl7Message(segments);
    }

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
}
