using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Message.Hl7;

namespace EdgeLab.Instruments.Tests.Hl7;

/// <summary>
/// tests/samples/hl7/mindray_bc5380_hl7_oru_r01.hl7 (Mindray BC-5380 manual §C.3.3), values read by hand from the file.
/// </summary>
public sealed class MindraySampleDecodeTests
{
    private static readonly TimeZoneInfo Tomsk = TimeZoneInfo.CreateCustomTimeZone("test+7", TimeSpan.FromHours(7), "test+7", "test+7");

    private static DecodedMessage Decode(byte[] bytes, EdgeLab.Instruments.Dialect.InstrumentProfile? profile = null)
    {
        var result = Hl7MessageDecoder.Decode(bytes, profile ?? Hl7TestData.Mindray, Tomsk);
        Assert.Null(result.Error);
        return result.Message!;
    }

    private static DecodedResult Result(DecodedMessage m, string code) => Assert.Single(m.Results, r => r.Code == code);

    [Fact]
    public void Header_patient_specimen_and_kind()
    {
        var m = Decode(Hl7TestData.MindraySample);
        Assert.Equal("mindray-bc5380", m.Profile);
        Assert.Equal("7393670", m.PatientId); // PID|1||7393670^^^^MR
        Assert.Equal("20071207011", m.SpecimenId); // OBR-3 in both OBR groups
        Assert.Equal("patient", m.Kind); // MSH-11 P
        Assert.Equal(64, m.Results.Count); // OBX|1 … OBX|64 across both OBR groups
        Assert.Empty(m.Comments);
    }

    [Fact]
    public void Numeric_results_with_units_ranges_and_flags()
    {
        var m = Decode(Hl7TestData.MindraySample);
        // OBX|6|NM|6690-2^WBC^LN||9.81|10*9/L|4.00-10.00|N|||F||E
        var wbc = Result(m, "6690-2");
        Assert.Equal("WBC", wbc.Name);
        Assert.Equal("9.81", wbc.Value);
        Assert.Equal(9.81m, wbc.Numeric);
        Assert.Equal("10*9/L", wbc.Units);
        Assert.Equal("4.00-10.00", wbc.ReferenceRange);
        Assert.Equal(new[] { "N" }, wbc.Flags);
        Assert.Equal("F", wbc.Status);
        // OBX|22|NM|718-7^HGB^LN||65|g/L|110-150|L|||F
        var hgb = Result(m, "718-7");
        Assert.Equal(("65", 65m, "g/L", "110-150"), (hgb.Value, hgb.Numeric, hgb.Units, hgb.ReferenceRange));
        Assert.Equal(new[] { "L" }, hgb.Flags);
        // OBX|30|NM|32623-1^MPV^LN||6.6|fL|7.0-11.0|L|||F
        var mpv = Result(m, "32623-1");
        Assert.Equal((6.6m, "fL", "7.0-11.0"), (mpv.Numeric, mpv.Units, mpv.ReferenceRange));
        Assert.Equal(new[] { "L" }, mpv.Flags);
        // OBX|26|NM|788-0^RDW-CV^LN||0.133||0.115-0.145|N|||F  (no units)
        var rdw = Result(m, "788-0");
        Assert.Equal((0.133m, (string?)null, "0.115-0.145"), (rdw.Numeric, rdw.Units, rdw.ReferenceRange));
        // OBX|5|NM|30525-0^Age^LN||18|yr|||||F
        var age = Result(m, "30525-0");
        Assert.Equal((18m, "yr", (string?)null), (age.Numeric, age.Units, age.ReferenceRange));
        Assert.Empty(age.Flags);
    }

    [Fact]
    public void Empty_numeric_value_is_kept_without_number()
    {
        // OBX|7|NM|704-7^BAS#^LN|||10*9/L|0.00-0.10||||F
        var bas = Result(Decode(Hl7TestData.MindraySample), "704-7");
        Assert.Equal("BAS#", bas.Name);
        Assert.Equal("", bas.Value);
        Assert.Null(bas.Numeric);
        Assert.Equal("10*9/L", bas.Units);
        Assert.Equal("0.00-0.10", bas.ReferenceRange);
        Assert.Empty(bas.Flags);
    }

    [Fact]
    public void Coded_and_ED_values_are_text_and_UNICODE_is_read_as_UTF8()
    {
        var m = Decode(Hl7TestData.MindraySample);
        // OBX|1|IS|08001^Take Mode^99MRC||O||||||F
        var take = Result(m, "08001");
        Assert.Equal(("Take Mode", "O", (decimal?)null), (take.Name, take.Value, take.Numeric));
        // OBX|38|ED|15008^WBC Histogram. BMP^99MRC||^Image^BMP^Base64^ … … WBC Histogram bmp data……||||||F
        // The ellipses are E2 80 A6 in the file: UTF-8 '…' under MSH-18 UNICODE.
        var histogram = Result(m, "15008");
        Assert.Equal("^Image^BMP^Base64^ \u2026 \u2026 WBC Histogram bmp data\u2026\u2026", histogram.Value);
        Assert.Null(histogram.Numeric);
        Assert.Equal("F", histogram.Status);
    }

    [Fact]
    public void Second_OBR_group_manual_count()
    {
        var m = Decode(Hl7TestData.MindraySample);
        // OBR|2||20071207011|00002^Manual Count^99MRC|||||||||||BLDV then OBX|46 … OBX|64
        var myeloblasts = Result(m, "747-6");
        Assert.Equal(("Myeloblasts%. Manual", "0.0", 0.0m, "%"), (myeloblasts.Name, myeloblasts.Value, myeloblasts.Numeric, myeloblasts.Units));
        var last = m.Results[^1];
        Assert.Equal(("11001", "Other Abnormal Cells%. Manual", "0.0", "%"), (last.Code, last.Name, last.Value, last.Units));
        Assert.Equal("08001", m.Results[0].Code);
    }

    [Fact]
    public void CR_LF_and_CRLF_separated_copies_decode_alike()
    {
        var lf = Decode(Hl7TestData.MindraySample);
        var cr = Decode(Hl7TestData.MindraySampleCr);
        var crlf = Decode(System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(Hl7TestData.MindraySample).Replace("\n", "\r\n")));
        static string Show(DecodedResult r) => $"{r with { Flags = [], Comments = [] }} {string.Join(",", r.Flags)}";
        Assert.Equal(lf.Results.Select(Show), cr.Results.Select(Show));
        Assert.Equal(lf.Results.Select(Show), crlf.Results.Select(Show));
    }

    [Fact]
    public void Result_time_falls_back_to_OBR_7_when_the_profile_says_so()
    {
        var m = Decode(Hl7TestData.MindraySample, Hl7TestData.Mindray with { Hl7ResultTimeFallbackField = "OBR-7" });
        // First OBR: OBR-7 = 20080508150616, local to the instrument (site zone +07:00 here).
        Assert.Equal(new DateTimeOffset(2008, 5, 8, 15, 6, 16, TimeSpan.FromHours(7)), Result(m, "6690-2").CompletedAt);
        // Second OBR has no OBR-7.
        Assert.Null(Result(m, "747-6").CompletedAt);
        Assert.Null(Result(Decode(Hl7TestData.MindraySample), "6690-2").CompletedAt);
    }

    [Fact]
    public void MSH_11_Q_marks_quality_control()
    {
        var text = System.Text.Encoding.UTF8.GetString(Hl7TestData.MindraySample).Replace("ORU^R01|1|P|", "ORU^R01|1|Q|");
        Assert.Equal("qc", Decode(System.Text.Encoding.UTF8.GetBytes(text)).Kind);
    }
}
