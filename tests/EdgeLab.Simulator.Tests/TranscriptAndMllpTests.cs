using System.Text;
using EdgeLab.Simulator.Astm;
using EdgeLab.Simulator.Faults;
using EdgeLab.Simulator.Hl7;
using EdgeLab.Simulator.Tests.Support;
using EdgeLab.Simulator.Wire;
using EdgeLab.Testing;

namespace EdgeLab.Simulator.Tests;

/// <summary>Reading captures as found (tolerant of mangled line ends) and the instrument side of MLLP.</summary>
public sealed class TranscriptAndMllpTests
{
    private static string[] Records(string sample) =>
        AstmTranscript.Parse(File.ReadAllBytes(Path.Combine(Samples.Directory, sample))).SelectMany(m => m.Records).Select(r => Encoding.Latin1.GetString(r)).ToArray();

    [Theory]
    [InlineData("astm/roche_cobas_c111_etb_per_record.astm", 7, "M|1|RR^BM^c111^1|")] // frames end <checksum><LF>
    [InlineData("astm/horiba_pentra_xlr_framewrap_flags_comments.astm", 28, "R|")] // frames end <checksum><CR>
    [InlineData("astm/roche_cobas_c311_flags_comments.astm", 18, "C|1|I|43|I")] // one frame, many records
    [InlineData("astm/horiba_yumizen_h500_etb_multiframe_capture.astm", 36, "C|1|I|")] // records split across 240-byte ETB frames
    public void Takes_captures_apart_to_their_records(string sample, int count, string someRecordStart)
    {
        var records = Records(sample);
        Assert.Equal(count, records.Length);
        Assert.StartsWith("H|", records[0], StringComparison.Ordinal);
        Assert.StartsWith("L|", records[^1], StringComparison.Ordinal);
        Assert.Contains(records, r => r.StartsWith(someRecordStart, StringComparison.Ordinal));
        Assert.All(records, r => Assert.DoesNotContain(r, c => c is '\x02' or '\x03' or '\x17' or '\r' or '\n'));
    }

    [Fact]
    public void Records_one_per_line_need_no_framing_and_several_H_records_make_several_messages()
    {
        var messages = AstmTranscript.Parse("H|\\^&\nO|1|A\nL|1|N\r\nH|\\^&\rO|1|B\rL|1|N\r"u8);
        Assert.Equal(2, messages.Count);
        Assert.Equal(["A", "B"], messages.Select(m => m.SpecimenId));
    }

    [Fact]
    public void Specimen_rewrite_keeps_the_instruments_own_component_layout()
    {
        var sysmex = AstmTranscript.Parse(File.ReadAllBytes(Path.Combine(Samples.Directory, "astm/sysmex_xn550_escape_R_flags.astm")))[0];
        Assert.Equal("27", sysmex.SpecimenId);
        var rewritten = AstmRecordEditor.WithSpecimen(sysmex, "2611210007");
        Assert.Equal("2611210007", rewritten.SpecimenId);
        Assert.Contains(rewritten.Records.Select(r => Encoding.Latin1.GetString(r)), r => r.StartsWith("O|1||^^2611210007^M|", StringComparison.Ordinal));

        var query = AstmRecordEditor.WithSpecimen(AstmTranscript.Parse(File.ReadAllBytes(Path.Combine(Samples.Directory, "astm/ortho_vitros3600_host_query_Q.astm")))[0], "X9");
        Assert.Contains(query.Records.Select(r => Encoding.Latin1.GetString(r)), r => r == "Q|1|^X9||ALL||||||||O");
    }

    [Fact]
    public void HL7_files_with_LF_segments_become_CR_separated_and_the_specimen_is_rewritten_in_OBR()
    {
        var message = Assert.Single(Hl7Transcript.Parse(File.ReadAllBytes(Path.Combine(Samples.Directory, "hl7/mindray_bc5380_hl7_oru_r01.hl7"))));
        Assert.Equal("20071207011", message.SpecimenId);
        var wire = Encoding.Latin1.GetString(message.WithSpecimen("2611210007").WithControlId("77").ToWire());
        Assert.DoesNotContain('\n', wire);
        Assert.EndsWith("\r", wire, StringComparison.Ordinal);
        Assert.Contains("\rOBR|1||2611210007|00001^Automated Count^99MRC|", wire, StringComparison.Ordinal);
        Assert.StartsWith("MSH|^~\\&|BC-5380|Mindray|||20080617143943||ORU^R01|77|P|", wire, StringComparison.Ordinal);
    }

    private static async Task<(LoopbackPair Wire, ScriptedLisReceiver Host, MllpInstrumentSender Sender, StringWriter Machine, ByteReceiver Replies)> MllpAsync(TimeProvider time)
    {
        var wire = await LoopbackPair.CreateAsync();
        var machine = new StringWriter();
        var output = new SimulatorOutput(machine, TextWriter.Null, time);
        var replies = new ByteReceiver(wire.Instrument, time);
        return (wire, new ScriptedLisReceiver(wire.Receiver), new MllpInstrumentSender(wire.Instrument, replies, TimeSpan.FromSeconds(30), FaultPlan.None, output), machine, replies);
    }

    private static readonly Hl7Message Oru = new(["MSH|^~\\&|SIM|X|||20261121||ORU^R01|42|P|2.5.1", "OBR|1||S-1|CBC", "OBX|1|NM|WBC||6.1|10*9/L|4.0-9.0|N|||F"]);

    [Fact]
    public async Task MLLP_block_is_VT_message_FS_CR_and_an_AE_answer_is_reported_rejected()
    {
        var (wire, host, sender, machine, replies) = await MllpAsync(TimeProvider.System);
        await using (wire)
        await using (host)
        await using (replies)
        {
            var send = sender.SendAsync("f#1", Oru, CancellationToken.None);
            await host.ExpectAsync(0x0B);
            var body = new List<byte>();
            byte b;
            while ((b = await host.ReadByteAsync()) != 0x1C) body.Add(b);
            await host.ExpectAsync(0x0D);
            Assert.Equal(string.Join('\r', Oru.Segments) + "\r", Encoding.Latin1.GetString([.. body]));
            await host.SendAsync([0x0B, .. "MSH|^~\\&|LIS||||||ACK|9|P|2.5.1\rMSA|AE|42|unknown test\r"u8.ToArray(), 0x1C, 0x0D]);
            Assert.Equal("AE", await send);
            Assert.StartsWith("REJECTED f#1 ", machine.ToString().Split('\n')[1], StringComparison.Ordinal);
            Assert.Contains(" AE S-1", machine.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task No_MLLP_ACK_within_the_timeout_fails_the_message_on_the_clock()
    {
        var clock = new FakeTimeProvider();
        var time = new ObservedTimeProvider(clock);
        var (wire, host, sender, machine, replies) = await MllpAsync(time);
        await using (wire)
        await using (host)
        await using (replies)
        {
            var send = sender.SendAsync("f#1", Oru, CancellationToken.None);
            await host.ExpectAsync(0x0B);
            await time.WaitForTimerAsync(TimeSpan.FromSeconds(30), 1);
            clock.Advance(TimeSpan.FromSeconds(30));
            var error = await Assert.ThrowsAsync<SimulatorLinkException>(() => send);
            Assert.Equal(LinkFailure.Timeout, error.Failure);
            Assert.Contains("FAILED f#1 ", machine.ToString(), StringComparison.Ordinal);
        }
    }
}
