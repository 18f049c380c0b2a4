using EdgeLab.Instruments.Detection;
using EdgeLab.Instruments.Link.Mllp;
using EdgeLab.Instruments.Tests.CaptureDecode;
using EdgeLab.Instruments.Tests.Support;
using EdgeLab.Instruments.Transport;

namespace EdgeLab.Instruments.Tests.Detection;

/// <summary>
/// The baud/framing scorer against what a real line delivers at a wrong setting. The mis-framed bytes come from
/// <see cref="UartLineModel"/>: the sender's bytes as line levels at its rate and framing, sampled by a UART at the
/// listening rate, framing errors read as NUL as Linux termios does. (A pty cannot produce them: it passes bytes.)
/// </summary>
public sealed class LineSettingScorerTests
{
    public static TheoryData<int, int, SerialParity> Senders()
    {
        var data = new TheoryData<int, int, SerialParity>();
        foreach (var rate in LineSetting.UsualRates)
        {
            data.Add(rate, 8, SerialParity.None);
            data.Add(rate, 7, SerialParity.Even);
            data.Add(rate, 7, SerialParity.Odd);
        }
        return data;
    }

    /// <summary>What an ASTM analyzer sends unanswered at first: its ENQ bid, then (LIS01-A2 §6.5.2.1, no reply in 15 s) EOT.</summary>
    private static readonly byte[] EnqBid = [0x05, 0x04];

    private static byte[] AstmMessage => File.ReadAllBytes(Samples.AstmPath("mindray_ba88a_results.astm"));

    private static byte[] MllpMessage => MllpFraming.Wrap(File.ReadAllBytes(Samples.Hl7Path("mindray_bs200_oru_r01.hl7")));

    [Theory]
    [MemberData(nameof(Senders))]
    public void An_astm_message_is_recognised_only_at_the_senders_rate_and_framing(int rate, int dataBits, SerialParity parity)
    {
        var sender = new LineSetting(rate, dataBits, parity, 1);
        var readings = ReadAtEveryRate(AstmMessage, sender);

        var decided = LineSettingScorer.Decide(readings);

        Assert.NotNull(decided);
        Assert.Equal(sender, decided.Setting);
        Assert.Equal(DetectedProtocol.Astm, decided.Protocol);
        Assert.All(readings.Where(r => r.Setting.Baud != rate), r => Assert.False(r.IsConvincing, $"read at {r.Setting}: {r}"));
    }

    [Theory]
    [MemberData(nameof(Senders))]
    public void An_mllp_block_is_recognised_only_at_the_senders_rate_and_framing(int rate, int dataBits, SerialParity parity)
    {
        var sender = new LineSetting(rate, dataBits, parity, 1);
        var readings = ReadAtEveryRate(MllpMessage, sender);

        var decided = LineSettingScorer.Decide(readings);

        Assert.NotNull(decided);
        Assert.Equal(sender, decided.Setting);
        Assert.Equal(DetectedProtocol.Hl7Mllp, decided.Protocol);
        Assert.All(readings.Where(r => r.Setting.Baud != rate), r => Assert.False(r.IsConvincing, $"read at {r.Setting}: {r}"));
    }

    [Theory]
    [MemberData(nameof(Senders))]
    public void A_lone_enq_bid_settles_the_rate_and_is_never_seen_at_another(int rate, int dataBits, SerialParity parity)
    {
        var sender = new LineSetting(rate, dataBits, parity, 1);
        // ENQ and EOT lie seconds apart on a real line; each is its own burst.
        var readings = LineSetting.UsualRates.Select(r =>
        {
            var bytes = EnqBid.SelectMany(b => UartLineModel.Relay([b], sender, LineSetting.EightNone(r))).ToArray();
            return LineSettingScorer.Score(bytes, r);
        }).ToList();

        var decided = LineSettingScorer.Decide(readings);

        Assert.NotNull(decided);
        Assert.Equal(rate, decided.Setting.Baud);
        // ENQ (0x05) and EOT (0x04) carry their parity bit as bit 7 when read 8N1: 7O1 shows as 0x85/0x04 and 7E1 as
        // 0x05/0x84, so even the bid alone tells the framing.
        Assert.Equal(sender.Framing, decided.Setting.Framing);
        Assert.All(readings.Where(r => r.Setting.Baud != rate), r => Assert.False(r.IsConvincing, $"read at {r.Setting}: {r}"));
    }

    [Fact]
    public void Framing_garbage_from_a_9600_sender_read_at_19200_is_what_the_model_says()
    {
        // Worked example of the model, for the record: ENQ = 0x05 at 9600 8N1 is start 0, then 1010 0000, stop 1.
        // At 19200 each sender bit covers two receiver bits: the receiver sees start, then 0 1 1 0 0 1 1 0 (LSB first)
        // = 0x66 — and its stop-bit sample falls in the sender's bit 4 (0): framing error, read as NUL.
        var read = UartLineModel.Relay([0x05], LineSetting.EightNone(9600), LineSetting.EightNone(19200));

        Assert.Equal(0, read[0]);
        Assert.False(LineSettingScorer.Score(read, 19200).IsConvincing);
    }

    private static List<LineEvidence> ReadAtEveryRate(byte[] message, LineSetting sender) =>
        LineSetting.UsualRates.Select(r => LineSettingScorer.Score(UartLineModel.Relay(message, sender, LineSetting.EightNone(r)), r)).ToList();
}
