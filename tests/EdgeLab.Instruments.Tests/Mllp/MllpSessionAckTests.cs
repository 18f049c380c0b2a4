using EdgeLab.Instruments.Link.Mllp;
using EdgeLab.Instruments.Message.Hl7;
using EdgeLab.Instruments.Outbound;
using EdgeLab.Instruments.Tests.Hl7;
using static EdgeLab.Instruments.Tests.Mllp.MllpSessionHarness;

namespace EdgeLab.Instruments.Tests.Mllp;

/// <summary>Commit before ACK, and the ACK itself (HL7 v2.5 §2.9.2 original mode, §2.9.3 enhanced mode).</summary>
public sealed class MllpSessionAckTests
{
    [Fact]
    public async Task Committed_message_gets_AA_built_from_its_MSH()
    {
        await using var h = new MllpSessionHarness();
        var ack = await h.ExchangeAsync(Hl7TestData.MindraySampleCr);

        var stored = Assert.Single(h.Sink.Messages);
        Assert.Equal(("bc5380-1", "mindray-bc5380", "hl7"), (stored.InstrumentId, stored.Profile, stored.Protocol));
        Assert.Null(stored.DecodeError);
        Assert.Equal("20071207011", stored.Decoded!.SpecimenId);
        Assert.Equal(MllpFraming.Wrap(Hl7TestData.MindraySampleCr), stored.Transcript.ToArray());

        Assert.Equal("MSH,MSA", Ids(ack));
        // Sender and receiver swapped: received MSH-3/4 BC-5380/Mindray, MSH-5/6 empty.
        Assert.Equal(("", "", "BC-5380", "Mindray"), (Text(ack, 0, 3), Text(ack, 0, 4), Text(ack, 0, 5), Text(ack, 0, 6)));
        Assert.Equal("ACK^R01", ack.Header.Field(9).RawText); // v2.3.1: no message structure component
        Assert.Equal("2611210930000001", Text(ack, 0, 10)); // new control id: site-local time + counter
        Assert.Equal(("P", "2.3.1", "UNICODE"), (Text(ack, 0, 11), Text(ack, 0, 12), Text(ack, 0, 18)));
        Assert.Equal("20261121093000", Text(ack, 0, 7));
        Assert.Equal(("AA", "1"), (Text(ack, 1, 1), Text(ack, 1, 2)));
    }

    [Fact]
    public async Task Nothing_is_acknowledged_before_the_sink_has_committed()
    {
        await using var h = new MllpSessionHarness();
        h.Sink.Gate = new TaskCompletionSource<CommitOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        await h.Client.SendAsync(Hl7TestData.MindraySampleCr, CancellationToken.None);
        await h.Sink.Called.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(h.Pipe.PeekToAnalyzer());

        h.Sink.Gate.SetResult(CommitOutcome.Committed);
        var ack = await h.ReceiveAsync();
        Assert.Equal("AA", Text(ack, 1, 1));
    }

    [Theory]
    [InlineData(CommitOutcome.StoreFull, "store full, resend later")]
    [InlineData(CommitOutcome.Failed, "store failed, resend later")]
    public async Task Store_full_or_failed_gets_AE_so_the_analyzer_keeps_the_message(CommitOutcome outcome, string text)
    {
        await using var h = new MllpSessionHarness();
        h.Sink.Outcome = outcome;
        var ack = await h.ExchangeAsync(Hl7TestData.MindraySampleCr);
        Assert.Equal(("AE", "1", text), (Text(ack, 1, 1), Text(ack, 1, 2), Text(ack, 1, 3)));
    }

    [Fact]
    public async Task A_sink_that_throws_gets_AE_and_the_session_goes_on()
    {
        await using var h = new MllpSessionHarness();
        h.Sink.Throw = new IOException("disk");
        Assert.Equal("AE", Text(await h.ExchangeAsync(Hl7TestData.MindraySampleCr), 1, 1));
        h.Sink.Throw = null;
        Assert.Equal("AA", Text(await h.ExchangeAsync(Hl7TestData.MindraySampleCr), 1, 1));
    }

    [Fact]
    public async Task Garbage_block_is_quarantined_with_its_bytes_then_AR()
    {
        await using var h = new MllpSessionHarness();
        var garbage = "this is not HL7\rat all"u8.ToArray();
        var ack = await h.ExchangeAsync(garbage);

        var q = Assert.Single(h.Sink.Messages);
        Assert.Null(q.Decoded);
        Assert.StartsWith("MissingHeader", q.DecodeError);
        Assert.Equal(MllpFraming.Wrap(garbage), q.Transcript.ToArray());
        // No MSH to answer from: default delimiters, no MSA-2.
        Assert.Equal(("AR", ""), (Text(ack, 1, 1), Text(ack, 1, 2)));
        Assert.Contains("quarantine", Text(ack, 1, 3));
    }

    [Fact]
    public async Task Unsupported_message_type_is_quarantined_then_AR_with_its_control_id()
    {
        await using var h = new MllpSessionHarness();
        var adt = Hl7TestData.Ascii("MSH|^~\\&|HIS|H1|LIS|L1|20260101000000||ADT^A01^ADT_A01|c-77|P|2.5", "PID|1||123");
        var ack = await h.ExchangeAsync(adt);
        Assert.StartsWith("UnsupportedMessageType", Assert.Single(h.Sink.Messages).DecodeError);
        Assert.Equal(("AR", "c-77"), (Text(ack, 1, 1), Text(ack, 1, 2)));
        Assert.Equal("ACK^A01^ACK", ack.Header.Field(9).RawText); // v2.5: structure in MSH-9.3
        Assert.Equal(("LIS", "L1", "HIS", "H1"), (Text(ack, 0, 3), Text(ack, 0, 4), Text(ack, 0, 5), Text(ack, 0, 6)));
    }

    [Fact]
    public async Task Enhanced_mode_gets_a_commit_accept()
    {
        await using var h = new MllpSessionHarness(Hl7TestData.Generic);
        var ack = await h.ExchangeAsync(Oru("AL", "NE"));
        Assert.Equal(("CA", "e-1"), (Text(ack, 1, 1), Text(ack, 1, 2)));
        // An acknowledgement asks for no acknowledgement.
        Assert.Equal(("NE", "NE"), (Text(ack, 0, 15), Text(ack, 0, 16)));
        Assert.Equal("S-9", Assert.Single(h.Sink.Messages).Decoded!.SpecimenId);
    }

    [Fact]
    public async Task Enhanced_mode_with_application_ack_gets_CA_then_AA()
    {
        await using var h = new MllpSessionHarness(Hl7TestData.Generic);
        var commit = await h.ExchangeAsync(Oru("AL", "AL"));
        var app = await h.ReceiveAsync();
        Assert.Equal("CA", Text(commit, 1, 1));
        Assert.Equal(("AA", "e-1"), (Text(app, 1, 1), Text(app, 1, 2)));
    }

    [Fact]
    public async Task Enhanced_mode_store_full_gets_CE()
    {
        await using var h = new MllpSessionHarness(Hl7TestData.Generic);
        h.Sink.Outcome = CommitOutcome.StoreFull;
        Assert.Equal("CE", Text(await h.ExchangeAsync(Oru("AL", "NE")), 1, 1));
    }

    [Fact]
    public async Task Junk_between_blocks_is_skipped_and_counted()
    {
        await using var h = new MllpSessionHarness();
        await h.Pipe.Analyzer.WriteAsync("noise\r\n"u8.ToArray());
        Assert.Equal("AA", Text(await h.ExchangeAsync(Hl7TestData.MindraySampleCr), 1, 1));
        Assert.Equal(7, h.Session.JunkBytes);
    }

    [Fact]
    public async Task Oversized_block_is_not_acknowledged_and_the_next_one_is()
    {
        await using var h = new MllpSessionHarness(Hl7TestData.Mindray with { Hl7MaxMessageSize = 2000 });
        await h.Client.SendAsync(new byte[5000], CancellationToken.None);
        var ack = await h.ExchangeAsync(Oru("", ""));
        Assert.Equal(("AA", "e-1"), (Text(ack, 1, 1), Text(ack, 1, 2)));
        Assert.Equal(1, h.Session.OversizedBlocks);
        Assert.Single(h.Sink.Messages);
    }

    /// <summary>A synthetic v2.5 OUL^R22 with the given MSH-15/MSH-16.</summary>
    internal static byte[] Oru(string accept, string application) => Hl7TestData.Ascii(
        $"MSH|^~\\&|ANALYZER|LAB|EDGELAB|GW|20261121093000||OUL^R22^OUL_R22|e-1|P|2.5|||{accept}|{application}||UNICODE UTF-8",
        "PID|1||P-1",
        "SPM|1|S-9||SER",
        "OBR|1||S-9|GLU",
        "OBX|1|NM|GLU^Glucose||5.4|mmol/L|3.9-6.1|N|||F");
}
