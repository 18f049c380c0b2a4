using EdgeLab.Instruments.HostQuery;
using EdgeLab.Instruments.Message.Hl7;
using EdgeLab.Instruments.Tests.Hl7;
using static EdgeLab.Instruments.Tests.Mllp.MllpSessionHarness;

namespace EdgeLab.Instruments.Tests.Mllp;

/// <summary>Host queries answered from the order cache: Mindray QRY^Q02 → QCK^Q02 + DSR^Q03, and QBP^Q11 → RSP^K11.</summary>
public sealed class MllpHostQueryTests
{
    private static readonly CachedOrder Order = new()
    {
        OrderId = "ORD-5",
        SpecimenId = "SP123",
        PatientId = "P-77",
        PatientFamilyName = "Testova",
        PatientGivenName = "Anna",
        PatientSex = "female",
        PatientBirthDate = new DateOnly(1990, 8, 4),
        Priority = "stat",
        SpecimenType = "Serum",
        Tests =
        [
            new CachedOrderTest("CBC", new Dictionary<string, string> { ["mindray-bc5380"] = "WBC", ["generic-hl7"] = "6690-2" }),
            new CachedOrderTest("HGB", new Dictionary<string, string> { ["mindray-bc5380"] = "HGB" }),
            new CachedOrderTest("GLU", new Dictionary<string, string> { ["other"] = "GLU" }),
        ],
    };

    private static byte[] Qry(string barcode) => Hl7TestData.Ascii(
        "MSH|^~\\&|BC-5380|Mindray|||20261121093000||QRY^Q02|q-1|P|2.3.1||||||UNICODE",
        $"QRD|20261121093000|R|D|1|||RD|{barcode}|OTH|||T",
        "QRF|BC-5380|||||RCT|COR|ALL||");

    [Fact]
    public async Task QRY_Q02_found_gets_QCK_OK_then_DSR_Q03_with_the_order()
    {
        await using var h = new MllpSessionHarness();
        h.Orders.Add(Order);
        var qck = await h.ExchangeAsync(Qry("SP123"));
        var dsr = await h.ReceiveAsync();

        Assert.Equal(["SP123"], h.Orders.Asked);
        Assert.Empty(h.Sink.Messages); // a query is answered, not stored as a result
        Assert.Equal("QCK^Q02", qck.Header.Field(9).RawText);
        Assert.Equal("MSH,MSA,ERR,QAK", Ids(qck));
        Assert.Equal(("AA", "q-1", "0"), (Text(qck, 1, 1), Text(qck, 1, 2), Text(qck, 1, 6)));
        Assert.Equal(("SR", "OK"), (Text(qck, 3, 1), Text(qck, 3, 2)));
        Assert.Equal("UNICODE", Text(qck, 0, 18));

        Assert.Equal("DSR^Q03", dsr.Header.Field(9).RawText);
        Assert.Equal(("", "", "BC-5380", "Mindray"), (Text(dsr, 0, 3), Text(dsr, 0, 4), Text(dsr, 0, 5), Text(dsr, 0, 6)));
        Assert.Equal("MSH,MSA,ERR,QAK,QRD,QRF," + string.Join(",", Enumerable.Repeat("DSP", 30)) + ",DSC", Ids(dsr));
        Assert.Equal("SP123", dsr[4].Field(8).ToString()); // QRD echoed
        string Dsp(int n) { var s = dsr[5 + n]; Assert.Equal(n.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Field(1).ToString()); return s.Field(3).ToString(); }
        Assert.Equal("P-77", Dsp(1));
        Assert.Equal("Testova Anna", Dsp(3));
        Assert.Equal("19900804000000", Dsp(4));
        Assert.Equal("F", Dsp(5));
        Assert.Equal("SP123", Dsp(21));
        Assert.Equal("Y", Dsp(24));
        Assert.Equal("Serum", Dsp(26));
        Assert.Equal("", Dsp(2));
        // Tests: only those with a code for this profile, in order.
        Assert.Equal("WBC", dsr[5 + 29].Field(3).Component(1).ToString());
        Assert.Equal("HGB", dsr[5 + 30].Field(3).Component(1).ToString());

        // The analyzer's ACK^Q03 is not acknowledged and not stored.
        await h.Client.SendAsync(Hl7TestData.Ascii("MSH|^~\\&|BC-5380|Mindray|||20261121093001||ACK^Q03|q-2|P|2.3.1", "MSA|AA|" + dsr.Header.Field(10)), CancellationToken.None);
        await h.Pipe.CloseAnalyzerAsync();
        await h.Running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(h.Pipe.PeekToAnalyzer());
        Assert.Empty(h.Sink.Messages);
    }

    [Fact]
    public async Task QRY_Q02_not_found_gets_QCK_NF_only()
    {
        await using var h = new MllpSessionHarness();
        var qck = await h.ExchangeAsync(Qry("UNKNOWN"));
        Assert.Equal(("SR", "NF"), (Text(qck, 3, 1), Text(qck, 3, 2)));
        await h.Pipe.CloseAnalyzerAsync();
        await h.Running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(h.Pipe.PeekToAnalyzer());
    }

    private static byte[] Qbp(string specimen) => Hl7TestData.Ascii(
        "MSH|^~\\&|ANALYZER|LAB|EDGELAB|GW|20261121093000||QBP^Q11^QBP_Q11|b-1|P|2.5.1",
        $"QPD|WOS^Work Order Step^IHE_LABTF|tag-9|{specimen}",
        "RCP|I||R");

    [Fact]
    public async Task QBP_Q11_found_gets_RSP_K11_with_the_order_segments()
    {
        await using var h = new MllpSessionHarness(Hl7TestData.Generic with { HostQuery = true });
        h.Orders.Add(Order);
        var rsp = await h.ExchangeAsync(Qbp("SP123"));
        Assert.Equal("RSP^K11^RSP_K11", rsp.Header.Field(9).RawText);
        Assert.Equal("MSH,MSA,QAK,QPD,PID,SPM,ORC,OBR", Ids(rsp));
        Assert.Equal(("AA", "b-1"), (Text(rsp, 1, 1), Text(rsp, 1, 2)));
        Assert.Equal(("tag-9", "OK", "WOS^Work Order Step^IHE_LABTF", "1"), (Text(rsp, 2, 1), Text(rsp, 2, 2), rsp[2].Field(3).RawText, Text(rsp, 2, 4)));
        Assert.Equal("SP123", rsp[3].Field(3).ToString());
        Assert.Equal(("P-77", "Testova", "Anna", "19900804", "F"),
            (Text(rsp, 4, 3), rsp[4].Field(5).Component(1).ToString(), rsp[4].Field(5).Component(2).ToString(), Text(rsp, 4, 7), Text(rsp, 4, 8)));
        Assert.Equal(("SP123", "Serum"), (Text(rsp, 5, 2), Text(rsp, 5, 4)));
        Assert.Equal(("NW", "ORD-5"), (Text(rsp, 6, 1), Text(rsp, 6, 2)));
        Assert.Equal(("ORD-5", "SP123", "6690-2", "S"), (Text(rsp, 7, 2), Text(rsp, 7, 3), Text(rsp, 7, 4), Text(rsp, 7, 5)));
    }

    [Fact]
    public async Task QBP_Q11_not_found_gets_RSP_K11_NF()
    {
        await using var h = new MllpSessionHarness(Hl7TestData.Generic with { HostQuery = true });
        var rsp = await h.ExchangeAsync(Qbp("NOPE"));
        Assert.Equal("MSH,MSA,QAK,QPD", Ids(rsp));
        Assert.Equal(("tag-9", "NF", "0"), (Text(rsp, 2, 1), Text(rsp, 2, 2), Text(rsp, 2, 4)));
    }

    [Fact]
    public async Task Query_without_its_query_segment_is_quarantined_and_rejected()
    {
        await using var h = new MllpSessionHarness();
        var ack = await h.ExchangeAsync(Hl7TestData.Ascii("MSH|^~\\&|BC-5380|Mindray|||20261121093000||QRY^Q02|q-3|P|2.3.1"));
        Assert.Equal(("AR", "q-3"), (Text(ack, 1, 1), Text(ack, 1, 2)));
        Assert.StartsWith("MissingSegment", Assert.Single(h.Sink.Messages).DecodeError);
    }
}
