using EdgeLab.Instruments.HostQuery;
using EdgeLab.Instruments.Link.Mllp;
using EdgeLab.Instruments.Tests.Hl7;
using EdgeLab.Instruments.Tests.Support;
using static EdgeLab.Instruments.Tests.Mllp.MllpSessionHarness;

namespace EdgeLab.Instruments.Tests.Mllp;

/// <summary>
/// A profile with <c>hostQuery: false</c>: QRY^Q02 and QBP^Q11 are not answered from the order cache (even when it
/// holds the specimen) but rejected as HL7 v2.5 §2.9.2 says for a message the receiver does not take — ACK with
/// MSA-1 AR and Table 0357 condition 200 — and the refusal is logged.
/// </summary>
public sealed class MllpHostQueryDisabledTests
{
    private static readonly CachedOrder Order = new()
    {
        OrderId = "ORD-5",
        SpecimenId = "SP123",
        PatientId = "P-77",
        Priority = "routine",
        Tests = [new CachedOrderTest("CBC", new Dictionary<string, string> { ["mindray-bc5380"] = "WBC", ["generic-hl7"] = "6690-2" })],
    };

    [Fact]
    public async Task QRY_Q02_is_rejected_with_AR_and_condition_200_without_consulting_the_order_cache()
    {
        var log = new RecordingLogger<MllpSession>();
        await using var h = new MllpSessionHarness(Hl7TestData.Mindray with { HostQuery = false }, log);
        h.Orders.Add(Order);
        var reply = await h.ExchangeAsync(Hl7TestData.Ascii(
            "MSH|^~\\&|BC-5380|Mindray|||20261121093000||QRY^Q02|q-1|P|2.3.1",
            "QRD|20261121093000|R|D|1|||RD|SP123|OTH|||T",
            "QRF|BC-5380|||||RCT|COR|ALL||"));

        Assert.Empty(h.Orders.Asked);
        Assert.Empty(h.Sink.Messages);
        Assert.Equal("MSH,MSA,ERR", Ids(reply));
        Assert.Equal("ACK^Q02", reply.Header.Field(9).RawText);
        Assert.Equal(("AR", "q-1"), (Text(reply, 1, 1), Text(reply, 1, 2)));
        // v2.3.1: ERR-1 error code and location, the code in component 4 as code&text&table.
        Assert.Equal("200", reply[2].Field(1).Component(4).ToString().Split('&')[0]);
        await h.Pipe.CloseAnalyzerAsync();
        await h.Running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(h.Pipe.PeekToAnalyzer()); // no QCK / DSR follows
        Assert.Contains(log.Messages, m => m.Contains("host query QRY^Q02 control id q-1 rejected", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Messages, m => m.Contains("SP123", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QBP_Q11_is_rejected_with_AR_and_ERR_3_200_without_consulting_the_order_cache()
    {
        var log = new RecordingLogger<MllpSession>();
        await using var h = new MllpSessionHarness(Hl7TestData.Generic, log); // generic-hl7 ships with hostQuery: false
        h.Orders.Add(Order);
        var reply = await h.ExchangeAsync(Hl7TestData.Ascii(
            "MSH|^~\\&|ANALYZER|LAB|EDGELAB|GW|20261121093000||QBP^Q11^QBP_Q11|b-1|P|2.5.1",
            "QPD|WOS^Work Order Step^IHE_LABTF|tag-9|SP123",
            "RCP|I||R"));

        Assert.Empty(h.Orders.Asked);
        Assert.Equal("MSH,MSA,ERR", Ids(reply));
        Assert.Equal("ACK^Q11^ACK", reply.Header.Field(9).RawText);
        Assert.Equal(("AR", "b-1"), (Text(reply, 1, 1), Text(reply, 1, 2)));
        Assert.Equal("200", reply[2].Field(3).Component(1).ToString());
        Assert.Equal("HL70357", reply[2].Field(3).Component(3).ToString());
        Assert.Equal("E", Text(reply, 2, 4));
        Assert.Contains(log.Messages, m => m.Contains("host query QBP^Q11 control id b-1 rejected", StringComparison.Ordinal));
    }
}
