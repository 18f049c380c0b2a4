using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Message.Hl7;

namespace EdgeLab.Instruments.Tests.Hl7;

/// <summary>
/// Issue 10, items 4, 8 and 9: OBX-6 read whole when the sender did not escape <c>^</c>, QC marked outside MSH-11, and
/// an empty test-code component explained with where the analyzer did put its code. Messages are synthetic.
/// </summary>
public sealed class Hl7UnitsAndQcMarkerTests
{
    private const string Msh = "MSH|^~\\&|ANALYZER|LAB|||20260101120000||ORU^R01|1|P|2.3.1";
    private const string Obr = "OBR|1||S-1|^CBC|||20260101115900";

    private static Message.DecodedMessage Decode(InstrumentProfile profile, params string[] segments)
    {
        var r = Hl7MessageDecoder.Decode(Hl7TestData.Ascii(segments), profile, TimeZoneInfo.Utc);
        Assert.Null(r.Error);
        return r.Message!;
    }

    [Theory]
    [InlineData("10^3/uL", "10^3/uL")] // unescaped ^ inside the unit: was "10", silently
    [InlineData("10^9/L", "10^9/L")]
    [InlineData("x10^12/L", "x10^12/L")]
    [InlineData("10\\S\\3/uL", "10^3/uL")] // escaped as HL7 v2.5 §2.7 asks
    [InlineData("g/L^g/L", "g/L")] // identifier and text the same
    [InlineData("g/L^gram per litre^UCUM", "g/L")] // CE with a coding system: the identifier
    [InlineData("^mmol/L", "mmol/L")] // text only
    [InlineData("fL", "fL")]
    [InlineData("", null)]
    public void Obx6_units_are_read_whole_when_component_3_is_not_a_coding_system(string obx6, string? expected)
    {
        var m = Decode(Hl7TestData.Generic with { Hl7 = new Hl7Layout { SpecimenId = "OBR-3" } },
            Msh, Obr, $"OBX|1|NM|WBC^WBC||6.5|{obx6}|4.0-10.0|N|||F");

        Assert.Equal(expected, Assert.Single(m.Results).Units);
    }

    [Theory]
    [InlineData("0", "patient")]
    [InlineData("1", "calibration")]
    [InlineData("2", "qc")]
    public void Mindray_bs_series_marks_qc_and_calibration_in_msh16_not_msh11(string msh16, string kind)
    {
        var profile = Hl7TestData.Generic with
        {
            Hl7 = new Hl7Layout { SpecimenId = "OBR-3", TestCode = "OBX-3.1", QcMarkers = ["MSH-16=2"], CalibrationMarkers = ["MSH-16=1"] },
        };
        // MSH|…|ORU^R01|26|P|2.3.1||||0||ASCII||| as a BS-200 sends it (MSH-11 stays P for QC).
        var m = Decode(profile, $"MSH|^~\\&|Mindray|BS-200|||20181031160659||ORU^R01|26|P|2.3.1||||{msh16}||ASCII|||",
            "OBR|1||25|Mindray^BS-200|N||20181031155645", "OBX|1|NM|AST|AST|29.1|U/L|7.0-40.0|Normal|||F");

        Assert.Equal(kind, m.Kind);
        Assert.Equal("AST", Assert.Single(m.Results).Code);
    }

    [Fact]
    public void A_prefix_marker_in_pid_or_obr_marks_qc()
    {
        var profile = Hl7TestData.Generic with { Hl7 = new Hl7Layout { SpecimenId = "OBR-3", QcMarkers = ["PID-3=QC*", "OBR-4.1=CONTROL"] } };

        Assert.Equal("qc", Decode(profile, Msh, "PID|1||qc-lot-42", Obr, "OBX|1|NM|WBC||6.5|10*9/L||N|||F").Kind);
        Assert.Equal("qc", Decode(profile, Msh, "OBR|1||S-1|control^lot 7", "OBX|1|NM|WBC||6.5|10*9/L||N|||F").Kind);
        Assert.Equal("patient", Decode(profile, Msh, "PID|1||P-42", Obr, "OBX|1|NM|WBC||6.5|10*9/L||N|||F").Kind);
    }

    [Fact]
    public void An_empty_test_code_component_names_the_components_that_hold_values_and_the_profile_setting()
    {
        // Code at OBX-3.4 (as several analyzers send it), profile reading OBX-3.1.
        var r = Hl7MessageDecoder.Decode(Hl7TestData.Ascii(Msh, Obr, "OBX|1|NM|^^^GLU^Glucose||5.2|mmol/L||N|||F"), Hl7TestData.Generic, TimeZoneInfo.Utc);

        Assert.NotNull(r.Error);
        var text = r.Error!.ToString();
        Assert.Contains("OBX-3.4 'GLU'", text, StringComparison.Ordinal);
        Assert.Contains("hl7.testCode", text, StringComparison.Ordinal);

        var fixedProfile = Hl7TestData.Generic with { Hl7 = new Hl7Layout { SpecimenId = "OBR-3", TestCode = "OBX-3.4" } };
        Assert.Equal("GLU", Assert.Single(Decode(fixedProfile, Msh, Obr, "OBX|1|NM|^^^GLU^Glucose||5.2|mmol/L||N|||F").Results).Code);
    }

    [Theory]
    [InlineData("MSH-16")]
    [InlineData("MSH16=2")]
    [InlineData("MSH-16=*")]
    public void A_malformed_marker_is_a_profile_error_naming_the_field(string marker)
    {
        var profile = Hl7TestData.Generic with { Hl7 = new Hl7Layout { QcMarkers = [marker] } };

        var errors = new List<ProfileError>();
        ProfileValidator.Validate(profile, "generic-hl7", "generic-hl7.yaml", errors);

        Assert.Contains(errors, e => e.Field == "hl7.qcMarkers" && e.Message.Contains("SEG-n[.c]=VALUE", StringComparison.Ordinal));
    }
}
