using System.Text;
using EdgeLab.Instruments.Dialect;

namespace EdgeLab.Instruments.Tests.Hl7;

/// <summary>Profiles and messages shared by the HL7 and MLLP tests. Messages written here are synthetic.</summary>
internal static class Hl7TestData
{
    public static InstrumentProfile Mindray { get; } = new()
    {
        Name = "mindray-bc5380",
        Protocol = "hl7",
        HostQuery = true,
        Hl7 = new Hl7Layout { SpecimenId = "OBR-3", TestCode = "OBX-3.1", QcProcessingIds = ["Q"] },
    };

    public static InstrumentProfile Generic { get; } = new()
    {
        Name = "generic-hl7",
        Protocol = "hl7",
        Hl7 = new Hl7Layout { SpecimenId = "SPM-2", AlternateSpecimenId = "OBR-3", Version = "2.5" },
    };

    /// <summary>The real Mindray BC-5380 ORU^R01 from tests/samples/hl7, bytes as stored (LF-separated).</summary>
    public static byte[] MindraySample => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "samples", "hl7", "mindray_bc5380_hl7_oru_r01.hl7"));

    /// <summary>The same message with segments ended by CR, as HL7 v2.5 §2.5.1 and MLLP senders do.</summary>
    public static byte[] MindraySampleCr => MindraySample.Select(b => b == (byte)'\n' ? (byte)'\r' : b).ToArray();

    public static byte[] Ascii(params string[] segments) => Encoding.ASCII.GetBytes(string.Join('\r', segments) + "\r");

    public static byte[] Utf8(params string[] segments) => Encoding.UTF8.GetBytes(string.Join('\r', segments) + "\r");
}
