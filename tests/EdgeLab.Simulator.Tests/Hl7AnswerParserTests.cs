using System.Text;
using EdgeLab.Simulator.Hl7;

namespace EdgeLab.Simulator.Tests;

/// <summary>The simulator's reading of the host's answers to QRY^Q02 and QBP^Q11, and its errors on a malformed answer.</summary>
public sealed class Hl7AnswerParserTests
{
    internal static readonly Hl7QueryRequest Qry = new(Hl7QueryKind.QryQ02, "2611220042", "Q1", "2.3.1", "mindray-bc5380");
    internal static readonly Hl7QueryRequest Qbp = new(Hl7QueryKind.QbpQ11, "2611220042", "Q1", "2.5", "generic-hl7");

    internal static string Message(params string[] segments) => string.Join('\r', segments) + "\r";

    internal static string Qck(string status, string msa2 = "Q1") => Message(
        "MSH|^~\\&|||mindray-bc5380|EdgeLabSim|20261122101501||QCK^Q02|G1|P|2.3.1",
        $"MSA|AA|{msa2}|Message accepted|||0",
        "ERR|0",
        $"QAK|SR|{status}");

    /// <summary>DSR^Q03 laid out as the Mindray manual's table (and the gateway's Hl7QryQ02Reply) has it.</summary>
    internal static string Dsr(IReadOnlyDictionary<int, string>? overrides = null, string[]? tests = null, string charset = "")
    {
        var lines = new Dictionary<int, string> { [1] = "P-SYNTH-42", [3] = "Simulova Vera", [4] = "19840309000000", [5] = "F", [21] = "2611220042", [24] = "Y", [26] = "Blood" };
        foreach (var (k, v) in overrides ?? new Dictionary<int, string>()) lines[k] = v;
        var segments = new List<string>
        {
            $"MSH|^~\\&|||mindray-bc5380|EdgeLabSim|20261122101501||DSR^Q03|G2|P|2.3.1||||||{charset}",
            "MSA|AA|Q1|Message accepted|||0",
            "ERR|0",
            "QAK|SR|OK",
            "QRD|20261122101500|R|D|Q1|||RD|2611220042|OTH|||T",
            "QRF|mindray-bc5380|||||RCT|COR|ALL|",
        };
        for (var n = 1; n <= 28; n++) segments.Add($"DSP|{n}||{lines.GetValueOrDefault(n, "")}");
        var i = 29;
        foreach (var t in tests ?? ["WBC", "HGB"]) segments.Add($"DSP|{i++}||{t}^^^");
        segments.Add("DSC|");
        return Message([.. segments]);
    }

    internal static string Rsp(string status = "OK", string tag = "Q1", string specimen = "2611220042", bool withObr = true)
    {
        var segments = new List<string>
        {
            "MSH|^~\\&|||generic-hl7|EdgeLabSim|20261122101501||RSP^K11^RSP_K11|G3|P|2.5",
            "MSA|AA|Q1",
            $"QAK|{tag}|{status}|WOS^Work Order Step^IHE_LABTF|1|1|0",
            "QPD|WOS^Work Order Step^IHE_LABTF|Q1|2611220042",
        };
        if (status == "OK")
        {
            segments.Add("PID|1||P-SYNTH-42||Simulova^Vera||19840309|F");
            segments.Add($"SPM|1|{specimen}||Blood");
            if (withObr)
            {
                segments.AddRange(["ORC|NW|R-1", $"OBR|1|R-1|{specimen}|6690-2|S", "ORC|NW|R-1", $"OBR|2|R-1|{specimen}|718-7|S"]);
            }
        }
        return Message([.. segments]);
    }

    [Fact]
    public void QCK_Q02_OK_says_the_order_follows_and_needs_no_acknowledgement()
    {
        var a = Hl7AnswerParser.Parse(Qck("OK"), Qry);
        Assert.Equal(Hl7AnswerOutcome.OrderFollows, a.Outcome);
        Assert.Equal(("AA", "OK"), (a.AckCode, a.QueryStatus));
        Assert.Null(a.AcknowledgeWith);
    }

    [Fact]
    public void QCK_Q02_NF_is_nothing_known()
    {
        var a = Hl7AnswerParser.Parse(Qck("NF"), Qry);
        Assert.Equal(Hl7AnswerOutcome.NothingKnown, a.Outcome);
        Assert.Empty(a.Tests);
    }

    [Fact]
    public void DSR_Q03_gives_patient_specimen_and_test_lines_and_asks_for_ACK_AA()
    {
        var a = Hl7AnswerParser.Parse(Dsr(), Qry);
        Assert.Equal(Hl7AnswerOutcome.Order, a.Outcome);
        Assert.Equal(new Hl7AnsweredPatient("P-SYNTH-42", "Simulova Vera", "1984-03-09", "F"), a.Patient);
        Assert.Equal(("2611220042", "Blood", "stat"), (a.SpecimenId, a.SpecimenType, a.Priority));
        Assert.Equal(["WBC", "HGB"], a.Tests);
        Assert.Equal("AA", a.AcknowledgeWith);
        Assert.Equal("G2", a.Header.ControlId);
    }

    [Fact]
    public void DSR_Q03_text_is_unescaped_and_read_as_UTF_8_when_MSH_18_says_UNICODE()
    {
        var text = Dsr(new Dictionary<int, string> { [3] = "Симулова Вера", [26] = "Blood\\S\\EDTA" }, charset: "UNICODE");
        var decoded = Hl7AnswerParser.Decode(Encoding.UTF8.GetBytes(text));
        var a = Hl7AnswerParser.Parse(decoded, Qry);
        Assert.Equal("Симулова Вера", a.Patient!.Name);
        Assert.Equal("Blood^EDTA", a.SpecimenType);
    }

    [Fact]
    public void RSP_K11_OK_gives_PID_SPM_and_one_test_per_OBR()
    {
        var a = Hl7AnswerParser.Parse(Rsp(), Qbp);
        Assert.Equal(Hl7AnswerOutcome.Order, a.Outcome);
        Assert.Equal(new Hl7AnsweredPatient("P-SYNTH-42", "Simulova Vera", "1984-03-09", "F"), a.Patient);
        Assert.Equal(("2611220042", "Blood", "stat"), (a.SpecimenId, a.SpecimenType, a.Priority));
        Assert.Equal(["6690-2", "718-7"], a.Tests);
        Assert.Null(a.AcknowledgeWith); // a response in original mode is not acknowledged
    }

    [Fact]
    public void RSP_K11_NF_is_nothing_known()
    {
        var a = Hl7AnswerParser.Parse(Rsp("NF"), Qbp);
        Assert.Equal((Hl7AnswerOutcome.NothingKnown, "NF"), (a.Outcome, a.QueryStatus));
    }

    [Theory]
    [InlineData("2.5", "ERR|||200^Unsupported message type^HL70357|E")] // v2.5 ERR-3
    [InlineData("2.3.1", "ERR|^^^200&Unsupported message type&HL70357")] // v2.3.1 ERR-1.4
    public void A_general_ACK_AR_is_refused_with_its_condition(string version, string err)
    {
        var text = Message($"MSH|^~\\&|||x|EdgeLabSim|20261122101501||ACK^Q11|G4|P|{version}",
            "MSA|AR|Q1|host query not enabled for this instrument at the gateway", err);
        var a = Hl7AnswerParser.Parse(text, Qbp);
        Assert.Equal(Hl7AnswerOutcome.Refused, a.Outcome);
        Assert.Equal(("AR", 200, "Unsupported message type"), (a.AckCode, a.ConditionCode, a.ConditionText));
        Assert.Equal("host query not enabled for this instrument at the gateway", a.AckText);
    }

    [Fact]
    public void QAK_2_AE_is_refused_even_with_MSA_AA()
    {
        var a = Hl7AnswerParser.Parse(Rsp("AE"), Qbp);
        Assert.Equal((Hl7AnswerOutcome.Refused, "AE"), (a.Outcome, a.QueryStatus));
    }

    [Theory]
    [InlineData("AL", "CA")]
    [InlineData("SU", "CA")]
    [InlineData("NE", null)]
    public void In_enhanced_mode_MSH_15_decides_the_accept_acknowledgement(string msh15, string? expected)
    {
        var text = Rsp().Replace("|P|2.5\r", $"|P|2.5|||{msh15}|NE\r", StringComparison.Ordinal);
        Assert.Equal(expected, Hl7AnswerParser.Parse(text, Qbp).AcknowledgeWith);
    }

    public static TheoryData<string, bool, string, int, string> Malformed() => new()
    {
        { "PID|1||X", true, "MSH", 0, "does not start with an MSH segment" },
        { Message("MSH|^~\\&|||x|y|20261122||QCK^Q02|G1|P|2.3.1", "QAK|SR|OK"), true, "MSA", 0, "QCK^Q02 has no MSA segment" },
        { Qck("OK").Replace("MSA|AA|", "MSA|ZZ|", StringComparison.Ordinal), true, "MSA", 1, "MSA-1 'ZZ' of QCK^Q02 is not an acknowledgement code" },
        { Qck("OK", msa2: "Q7"), true, "MSA", 2, "MSA-2 'Q7' of QCK^Q02 does not acknowledge this query (its MSH-10 is 'Q1')" },
        { Qck("OK").Replace("QAK|SR|OK\r", "", StringComparison.Ordinal), true, "QAK", 0, "QCK^Q02 has no QAK segment" },
        { Qck("XX"), true, "QAK", 2, "QAK-2 'XX' of QCK^Q02 is not a query response status" },
        { Rsp(tag: "Q9"), false, "QAK", 1, "QAK-1 'Q9' of RSP^K11 does not echo the query tag 'Q1'" },
        { Rsp(withObr: false), false, "OBR", 0, "RSP^K11 answers QAK-2 OK but has no OBR segment" },
        { Rsp(specimen: "2611220043"), false, "SPM", 2, "SPM-2 '2611220043' is not the specimen asked for, '2611220042'" },
        { Dsr().Replace("DSP|7||", "DSP|seven||", StringComparison.Ordinal), true, "DSP", 1, "DSP-1 'seven' (segment 13) is not a line number" },
        { Dsr(tests: []), true, "DSP", 3, "DSR^Q03 answers QAK-2 OK but has no test line" },
        { Dsr(new Dictionary<int, string> { [21] = "2611220043" }), true, "DSP", 3, "DSP line 21 (sample barcode) is '2611220043'" },
        { Rsp(), true, "MSH", 9, "MSH-9 'RSP^K11' is not an answer to QRY^Q02" },
        { Message("MSH|^~\\&|||x|y|20261122||ACK^Q11^ACK|G1|P|2.5", "MSA|AA|Q1"), false, "MSA", 1, "ACK^Q11 accepts the query (MSA-1 AA) but answers nothing" },
        { Message("MSH|^~\\&|||x|y|20261122||ACK^Q11^ACK|G1|P|2.5", "MSA|AR|Q1", "ERR|||abc^x^HL70357|E"), false, "ERR", 3, "error condition 'abc' in ERR is not a number" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_answer_is_an_error_naming_the_segment_and_field(string text, bool qry, string segment, int field, string message)
    {
        var e = Assert.Throws<Hl7AnswerException>(() => Hl7AnswerParser.Parse(text, qry ? Qry : Qbp));
        Assert.Equal((segment, field), (e.Segment, e.Field));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
