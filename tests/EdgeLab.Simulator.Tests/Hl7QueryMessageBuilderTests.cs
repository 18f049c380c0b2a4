using EdgeLab.Simulator.Hl7;

namespace EdgeLab.Simulator.Tests;

/// <summary>The simulator's HL7 host-query messages, segment by segment and field by field.</summary>
public sealed class Hl7QueryMessageBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 15, 0, TimeSpan.Zero);

    private static string Field(string segment, int n) => segment.Split('|')[segment.StartsWith("MSH", StringComparison.Ordinal) ? n - 1 : n];

    [Fact]
    public void QRY_Q02_is_MSH_QRD_QRF_with_the_barcode_in_QRD_8_as_Mindray_sends_it()
    {
        var request = new Hl7QueryRequest(Hl7QueryKind.QryQ02, "2611220042", "Q261122101500123", "2.3.1", "mindray-bc5380");
        var m = Hl7QueryMessageBuilder.Build(request, Now);

        Assert.Equal(
        [
            "MSH|^~\\&|mindray-bc5380|EdgeLabSim|||20261122101500||QRY^Q02|Q261122101500123|P|2.3.1",
            "QRD|20261122101500|R|D|Q261122101500123|||RD|2611220042|OTH|||T",
            "QRF|mindray-bc5380|||||RCT|COR|ALL|",
        ], m.Segments);
        var (msh, qrd, qrf) = (m.Segments[0], m.Segments[1], m.Segments[2]);
        Assert.Equal("QRY^Q02", Field(msh, 9)); // v2.3.1 MSH-9: code^event, no structure before v2.4
        // MSH-12 (version) is the last field: MSH-15/MSH-16 empty = original acknowledgement mode (HL7 v2.5 §2.9.2).
        Assert.Equal("2.3.1", Field(msh, 12));
        Assert.Equal(12, msh.Split('|').Length);
        // HL7 v2.3.1 §2.24.4 QRD.
        Assert.Equal("R", Field(qrd, 2)); // query format code: record-oriented (Table 0106)
        Assert.Equal("D", Field(qrd, 3)); // priority: deferred (Table 0091) — the answer is DSR^Q03
        Assert.Equal("Q261122101500123", Field(qrd, 4)); // query id
        Assert.Equal("RD", Field(qrd, 7)); // quantity limited request in records (Table 0126)
        Assert.Equal("2611220042", Field(qrd, 8)); // who subject filter: the sample barcode
        Assert.Equal("OTH", Field(qrd, 9)); // what subject filter (Table 0048)
        Assert.Equal("T", Field(qrd, 12)); // query results level: full results (Table 0108)
        // HL7 v2.3.1 §2.24.5 QRF.
        Assert.Equal("mindray-bc5380", Field(qrf, 1));
        Assert.Equal(("RCT", "COR", "ALL"), (Field(qrf, 6), Field(qrf, 7), Field(qrf, 8)));
    }

    [Fact]
    public void QBP_Q11_is_MSH_QPD_RCP_with_the_structure_in_MSH_9_and_the_specimen_in_QPD_3()
    {
        var request = new Hl7QueryRequest(Hl7QueryKind.QbpQ11, "2611220042", "Q261122101500124", "2.5", "generic-hl7");
        var m = Hl7QueryMessageBuilder.Build(request, Now);

        Assert.Equal(
        [
            "MSH|^~\\&|generic-hl7|EdgeLabSim|||20261122101500||QBP^Q11^QBP_Q11|Q261122101500124|P|2.5",
            "QPD|WOS^Work Order Step^IHE_LABTF|Q261122101500124|2611220042",
            "RCP|I|1^RD|R",
        ], m.Segments);
        // HL7 v2.5 §5.5.4 QPD: 1 query name, 2 query tag (echoed in QAK-1), 3 first user parameter.
        Assert.Equal(request.QueryTag, Field(m.Segments[1], 2));
        Assert.Equal("2611220042", Field(m.Segments[1], 3));
        // HL7 v2.5 §5.5.6 RCP: 1 immediate, 2 one record, 3 real time.
        Assert.Equal(("I", "1^RD", "R"), (Field(m.Segments[2], 1), Field(m.Segments[2], 2), Field(m.Segments[2], 3)));
    }

    [Fact]
    public void A_barcode_holding_separators_is_escaped_so_it_stays_one_field()
    {
        var request = new Hl7QueryRequest(Hl7QueryKind.QbpQ11, "AB|12^3&4~5\\6", "Q1", "2.5", "x");
        var qpd = Hl7QueryMessageBuilder.Build(request, Now).Segments[1];
        Assert.Equal("QPD|WOS^Work Order Step^IHE_LABTF|Q1|AB\\F\\12\\S\\3\\T\\4\\R\\5\\E\\6", qpd);
        Assert.Equal("AB|12^3&4~5\\6", Hl7Escaping.Unescape(Field(qpd, 3), Hl7EncodingCharacters.Default));
    }

    [Fact]
    public void The_acknowledgement_of_a_DSR_Q03_is_ACK_Q03_AA_to_its_control_id_with_applications_swapped()
    {
        var dsr = new Hl7AnswerHeader
        {
            SendingApplication = "EdgeLab",
            SendingFacility = "GW",
            ReceivingApplication = "mindray-bc5380",
            ReceivingFacility = "EdgeLabSim",
            MessageCode = "DSR",
            TriggerEvent = "Q03",
            ControlId = "2611221015000002",
            Version = "2.3.1",
        };
        var ack = Hl7QueryMessageBuilder.BuildAcknowledgement(dsr, "AA", "AQ1-2", Now);
        Assert.Equal(
        [
            "MSH|^~\\&|mindray-bc5380|EdgeLabSim|EdgeLab|GW|20261122101500||ACK^Q03|AQ1-2|P|2.3.1",
            "MSA|AA|2611221015000002",
        ], ack.Segments);
    }
}
