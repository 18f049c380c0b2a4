using System.Text;
using EdgeLab.Instruments.Detection;
using EdgeLab.Instruments.Link.Mllp;
using EdgeLab.Instruments.Tests.CaptureDecode;
using EdgeLab.Instruments.Tests.Support;

namespace EdgeLab.Instruments.Tests.Detection;

/// <summary>
/// Plug-and-play end to end over real pseudo-terminals (socat): an analyzer at some rate, the gateway in auto-detect
/// mode. The pty itself passes bytes whatever the baud, so <see cref="EmulatedWire"/> makes the analyzer's bytes arrive
/// as framing garbage while the gateway listens at any other rate (the UART model of LineSettingScorerTests); the
/// gateway has to find the rate, the protocol and the model, and keep the first message.
/// </summary>
public sealed class AutoDetectOverPtyTests
{
    /// <summary>
    /// The analyzer's reply timeout, shortened from LIS01-A2's 15 s so the test is fast but still longer than the
    /// gateway needs to answer under load; with the 250 ms dwell its bids land on every rate within a few tries.
    /// </summary>
    private static readonly TimeSpan Bid = TimeSpan.FromMilliseconds(400);

    [Theory]
    [InlineData(19200, "mindray_ba88a_results.astm", "mindray-ba88a", "H.5 'MINDRAY^BA-88A'")]
    [InlineData(2400, "sysmex_xp100_cbc_padded_values.astm", "sysmex-xp", "H.5 'XP-100^00-13^^^^A7869^BS649542'")]
    public async Task An_astm_analyzer_is_found_at_its_rate_named_by_its_h_record_and_its_first_message_kept(int rate, string sample, string profile, string sender)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var gateway = await AutoDetectHarness.StartAsync(fixedLine: null);
            await using var wire = EmulatedWire.Open(gateway.Cable.InstrumentEnd, gateway.Cable.GatewayEnd, LineSetting.EightNone(rate));
            var analyzer = new ScriptedAnalyzer(b => wire.WriteAsync(b), wire.Analyzer);
            int bids;
            try
            {
                bids = await analyzer.BidUntilAnsweredAsync(Bid, TimeSpan.FromSeconds(20));
                await analyzer.SendFramesAsync(File.ReadAllBytes(Samples.AstmPath(sample)));
                await gateway.WaitForCommitsAsync(1);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException && wire.StraddledWrites > 0 && attempt < 3)
            {
                // The sweep changed rate in the middle of a write (see EmulatedWire.StraddledWrites): start again.
                continue;
            }
            AssertFoundAndKept(gateway, wire, analyzer, bids, rate, sample, profile, sender);
            return;
        }
    }

    private static void AssertFoundAndKept(AutoDetectHarness gateway, EmulatedWire wire, ScriptedAnalyzer analyzer, int bids, int rate, string sample, string profile, string sender)
    {
        // Never a byte to the analyzer before its bid was heard at the right rate: the first byte it got is that ACK.
        Assert.Equal(0x06, analyzer.Received[0]);
        Assert.True(rate == 9600 || wire.MisframedWrites > 0, "the analyzer was heard at a wrong rate first");
        var line = Assert.Single(gateway.Lines);
        Assert.Equal(LineSetting.EightNone(rate), line.Setting);
        Assert.Equal(LineSetting.EightNone(rate), gateway.AutoBaud!.Setting);
        var detection = Assert.Single(gateway.Detections);
        Assert.Equal((DetectedProtocol.Astm, profile, true, sender), (detection.Protocol, detection.Profile, detection.Matched, detection.Sender));
        Assert.Equal(LineSetting.EightNone(rate), detection.Line);
        Assert.Null(detection.Suggestion);
        var committed = Assert.Single(gateway.Sink.Committed);
        Assert.Equal(profile, committed.Profile);
        Assert.NotNull(committed.Decoded);
        Assert.Equal(Samples.Single(sample, profile).Results.Count, committed.Decoded.Results.Count);
        Assert.True(bids >= 1);
    }

    [Fact]
    public async Task An_hl7_analyzer_over_serial_is_found_and_its_block_heard_at_the_right_rate_is_committed_and_acknowledged()
    {
        await using var gateway = await AutoDetectHarness.StartAsync(fixedLine: null);
        await using var wire = EmulatedWire.Open(gateway.Cable.InstrumentEnd, gateway.Cable.GatewayEnd, LineSetting.EightNone(38400));
        var analyzer = new ScriptedAnalyzer(b => wire.WriteAsync(b), wire.Analyzer);
        var block = MllpFraming.Wrap(File.ReadAllBytes(Samples.Hl7Path("mindray_bs200_oru_r01.hl7")));

        var ack = await analyzer.SendBlockUntilAcknowledgedAsync(block, TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(20));
        await gateway.WaitForCommitsAsync(1);

        Assert.Equal(0x0B, ack[0]);
        // BS-200 fills MSH-15/16, so the acknowledgement is the commit accept (HL7 v2.5 §2.9.3): the block was kept.
        Assert.Contains("MSA|CA|26", Encoding.ASCII.GetString(ack), StringComparison.Ordinal);
        Assert.Equal(LineSetting.EightNone(38400), Assert.Single(gateway.Lines).Setting);
        var detection = Assert.Single(gateway.Detections);
        Assert.Equal((DetectedProtocol.Hl7Mllp, "mindray-bs200", true), (detection.Protocol, detection.Profile, detection.Matched));
        var committed = Assert.Single(gateway.Sink.Committed);
        Assert.Equal("mindray-bs200", committed.Profile);
        Assert.NotNull(committed.Decoded);
    }

    [Fact]
    public async Task The_first_message_is_kept_without_any_retransmission_astm_and_hl7()
    {
        // Rate configured, profile auto: the analyzer sends each message exactly once.
        await using var gateway = await AutoDetectHarness.StartAsync(fixedLine: LineSetting.EightNone(9600));
        await using var wire = EmulatedWire.Open(gateway.Cable.InstrumentEnd, gateway.Cable.GatewayEnd, LineSetting.EightNone(9600));
        await gateway.LinkUp;
        var analyzer = new ScriptedAnalyzer(b => wire.WriteAsync(b), wire.Analyzer);

        Assert.Equal(1, await analyzer.BidUntilAnsweredAsync(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)));
        await analyzer.SendFramesAsync(File.ReadAllBytes(Samples.AstmPath("stago_start4_coagulation.astm")));
        await gateway.WaitForCommitsAsync(1);

        var committed = Assert.Single(gateway.Sink.Committed);
        Assert.Equal("stago-start4", committed.Profile);
        Assert.Equal(Samples.Single("stago_start4_coagulation.astm", "stago-start4").Results.Count, committed.Decoded!.Results.Count);
        Assert.Equal("stago-start4", gateway.Session!.Profile!.Name);
    }

    [Fact]
    public async Task An_hl7_block_sent_once_at_a_known_rate_is_kept()
    {
        await using var gateway = await AutoDetectHarness.StartAsync(fixedLine: LineSetting.EightNone(9600));
        await using var wire = EmulatedWire.Open(gateway.Cable.InstrumentEnd, gateway.Cable.GatewayEnd, LineSetting.EightNone(9600));
        await gateway.LinkUp;
        var analyzer = new ScriptedAnalyzer(b => wire.WriteAsync(b), wire.Analyzer);
        var block = MllpFraming.Wrap(File.ReadAllBytes(Samples.Hl7Path("sysmex_xn_hl7_oru_r01.hl7")));

        var ack = await analyzer.SendBlockUntilAcknowledgedAsync(block, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));

        Assert.Matches(@"MSA\|[AC]A\|1001", Encoding.ASCII.GetString(ack));
        Assert.Equal("sysmex-xn-hl7", Assert.Single(gateway.Sink.Committed).Profile);
    }

    [Fact]
    public async Task An_unknown_sender_is_decoded_with_the_generic_profile_its_message_kept_and_a_suggestion_reported()
    {
        await using var gateway = await AutoDetectHarness.StartAsync(fixedLine: LineSetting.EightNone(9600));
        await using var wire = EmulatedWire.Open(gateway.Cable.InstrumentEnd, gateway.Cable.GatewayEnd, LineSetting.EightNone(9600));
        await gateway.LinkUp;
        var analyzer = new ScriptedAnalyzer(b => wire.WriteAsync(b), wire.Analyzer);
        // The BA-88A capture with its sender renamed to a model no profile knows (checksums recomputed).
        var capture = RenamedSender(File.ReadAllBytes(Samples.AstmPath("mindray_ba88a_results.astm")), "MINDRAY^BA-88A", "MINDRAY^BA-99");

        await analyzer.BidUntilAnsweredAsync(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        await analyzer.SendFramesAsync(capture);
        await gateway.WaitForCommitsAsync(1);

        var detection = Assert.Single(gateway.Detections);
        Assert.False(detection.Matched);
        Assert.Equal("generic-lis2", detection.Profile);
        Assert.Equal("sender H.5 'MINDRAY^BA-99' matched no profile; closest: mindray-ba88a; decoded with generic-lis2: set the profile explicitly in instruments[0].profile", detection.Suggestion);
        var committed = Assert.Single(gateway.Sink.Committed);
        Assert.Equal("generic-lis2", committed.Profile);
        Assert.NotNull(committed.Decoded);
        Assert.NotEmpty(committed.Decoded.Results);
    }

    [Fact]
    public async Task Plain_text_on_the_line_is_quarantined_with_the_reason_never_answered()
    {
        await using var gateway = await AutoDetectHarness.StartAsync(fixedLine: LineSetting.EightNone(9600));
        await using var wire = EmulatedWire.Open(gateway.Cable.InstrumentEnd, gateway.Cable.GatewayEnd, LineSetting.EightNone(9600));
        await gateway.LinkUp;
        var analyzer = new ScriptedAnalyzer(b => wire.WriteAsync(b), wire.Analyzer);

        await wire.WriteAsync("WBC   7.2  10^3/uL\r\n"u8.ToArray());
        await gateway.WaitForCommitsAsync(1);

        var kept = Assert.Single(gateway.Sink.Committed);
        Assert.Equal("raw", kept.Protocol);
        Assert.StartsWith("raw text (a line of text, 20 bytes) with no ASTM or MLLP framing", kept.DecodeError, StringComparison.Ordinal);
        Assert.Equal("WBC   7.2  10^3/uL\r\n", Encoding.ASCII.GetString(kept.Transcript.ToArray()));
        Assert.Equal(DetectedProtocol.Raw, Assert.Single(gateway.Detections).Protocol);
        Assert.Null(await analyzer.ReadByteAsync(TimeSpan.FromMilliseconds(200)));
    }

    /// <summary>Replaces the sender in the H frame and recomputes that frame's checksum (LIS01-A2 §6.3.1.3).</summary>
    private static byte[] RenamedSender(byte[] capture, string from, string to)
    {
        var text = Encoding.Latin1.GetString(capture);
        var stx = text.IndexOf('\x02', StringComparison.Ordinal);
        var etx = text.IndexOf('\x03', stx);
        var frame = text[(stx + 1)..(etx + 1)].Replace(from, to, StringComparison.Ordinal);
        var sum = Encoding.Latin1.GetBytes(frame).Sum(b => b) % 256;
        return Encoding.Latin1.GetBytes(text[..(stx + 1)] + frame + sum.ToString("X2", System.Globalization.CultureInfo.InvariantCulture) + text[(etx + 3)..]);
    }
}
