using System.Text;
using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Message.Hl7;
using EdgeLab.Instruments.Tests.Hl7;
using static EdgeLab.Instruments.Tests.CaptureDecode.Samples;

namespace EdgeLab.Instruments.Tests.CaptureDecode;

/// <summary>
/// STAT priority read from where the analyzer echoes the order's priority (issue 10): LIS02-A2 §9.4.6 O.6, HL7 v2.5
/// OBR-27.6 / ORC-7.6 (TQ component 6) and TQ1-9. Routine stays null, so routine messages' wire form is unchanged.
/// </summary>
public sealed class ResultPriorityDecodeTests
{
    [Theory]
    [InlineData("S", ResultPriority.Stat)]
    [InlineData("A", ResultPriority.Asap)]
    [InlineData("R", null)]
    [InlineData("", null)]
    public void Astm_order_priority_O6_is_carried_to_the_decoded_message(string o6, string? expected)
    {
        var text = string.Join('\r',
            @"H|\^&|||XN-550^00-1|||||||P|1",
            "P|1||PAT-SYNTH-1",
            $"O|1|2611210007||^^^CBC|{o6}|20261121090000",
            "R|1|^^^^WBC|5.2|10*3/uL||N||F",
            "L|1|N") + "\r";
        var r = Lis2DialectDecoder.Decode(Encoding.Latin1.GetBytes(text), Catalog.Get("generic-lis2"), Zone);
        Assert.Equal(expected, Assert.Single(r.Messages).Priority);
    }

    private const string Msh = "MSH|^~\\&|ANALYZER|LAB|||20260101120000||ORU^R01|1|P|2.5";
    private const string Obx = "OBX|1|NM|GLU^Glucose||5.2|mmol/L||N|||F";

    [Theory]
    [InlineData("OBR|1||S-1|^CBC|||20260101115900||||||||||||||||||||^^^^^S", ResultPriority.Stat)] // OBR-27.6
    [InlineData("OBR|1||S-1|^CBC|||20260101115900||||||||||||||||||||^^^^^R", null)]
    [InlineData("OBR|1||S-1|^CBC|||20260101115900", null)]
    public void Hl7_obr_27_6_priority(string obr, string? expected) =>
        Assert.Equal(expected, Decode(Msh, obr, Obx).Priority);

    [Fact]
    public void Hl7_orc_7_6_and_tq1_9_priority()
    {
        Assert.Equal(ResultPriority.Stat, Decode(Msh, "ORC|RE||||||^^^^^S", "OBR|1||S-1|^CBC", Obx).Priority);
        Assert.Equal(ResultPriority.Stat, Decode(Msh, "ORC|RE", "OBR|1||S-1|^CBC", "TQ1|1||||||||S", Obx).Priority);
        Assert.Equal(ResultPriority.Asap, Decode(Msh, "ORC|RE", "OBR|1||S-1|^CBC", "TQ1|1||||||||A^ASAP^HL70485", Obx).Priority);
    }

    [Fact]
    public void Decode_output_shows_priority_only_when_it_is_not_routine()
    {
        var routine = Dialect.Decode.DecodeJsonMessage.From(new DecodedMessage { Profile = "p", Kind = "patient", Results = [] });
        var stat = Dialect.Decode.DecodeJsonMessage.From(new DecodedMessage { Profile = "p", Kind = "patient", Results = [], Priority = ResultPriority.Stat });
        Assert.DoesNotContain("priority", Json(routine), StringComparison.Ordinal);
        Assert.Contains("\"priority\":\"stat\"", Json(stat), StringComparison.Ordinal);
    }

    private static string Json(Dialect.Decode.DecodeJsonMessage m) =>
        System.Text.Json.JsonSerializer.Serialize(m, Dialect.Decode.DecodeJsonContext.Default.DecodeJsonMessage);

    private static DecodedMessage Decode(params string[] segments)
    {
        var r = Hl7MessageDecoder.Decode(Hl7TestData.Ascii(segments), Hl7TestData.Generic, TimeZoneInfo.Utc);
        Assert.Null(r.Error);
        return r.Message!;
    }
}
