using System.Buffers;
using EdgeLab.Instruments.Link.Astm;
using static EdgeLab.Instruments.Tests.Astm.AstmTestBytes;

namespace EdgeLab.Instruments.Tests.Astm;

/// <summary>
/// The reader must find the same frames, control characters and errors however the bytes are cut: in one piece, as a
/// two-segment sequence, or arriving in two reads. Every cut point of every sample is tried.
/// </summary>
public class AstmFrameReaderSplitTests
{
    private readonly record struct Seen(AstmTokenKind Kind, byte Control, int FrameNumber, bool IsFinal, string Text, AstmFrameError Error, long Offset, long ErrorOffset);

    private static Seen Describe(in AstmToken t) =>
        new(t.Kind, t.Control, t.FrameNumber, t.IsFinal, t.Kind == AstmTokenKind.Frame ? Latin1(t.Text.ToArray()) : "", t.Error, t.Offset, t.ErrorOffset);

    /// <summary>Tokens found in <paramref name="input"/>, noise left out (noise may be cut into runs differently).</summary>
    private static List<Seen> ReadSequence(ReadOnlySequence<byte> input, AstmFrameReader reader, out long consumed)
    {
        var seen = new List<Seen>();
        var start = input.Length;
        while (reader.TryRead(ref input, out var token))
        {
            if (token.Kind != AstmTokenKind.Noise) seen.Add(Describe(token));
        }
        consumed = start - input.Length;
        return seen;
    }

    /// <summary>Feeds the bytes in two reads, keeping the unconsumed rest as a pipe would.</summary>
    private static List<Seen> ReadInTwoArrivals(byte[] bytes, int cut, int maxFrameSize, bool tolerant)
    {
        var reader = new AstmFrameReader(maxFrameSize, tolerant);
        var first = ReadSequence(new ReadOnlySequence<byte>(bytes, 0, cut), reader, out var consumed);
        var rest = SegmentedSequence.Create(bytes.AsMemory((int)consumed, cut - (int)consumed), bytes.AsMemory(cut));
        first.AddRange(ReadSequence(rest, reader, out _));
        return first;
    }

    public static TheoryData<string> Samples() => new(SampleNames());

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_cut_of_a_sample_reads_the_same(string name)
    {
        var bytes = File.ReadAllBytes(SamplePath(name));
        var tolerant = NeedsTolerance(name);
        const int max = 64_000;
        var whole = ReadSequence(new ReadOnlySequence<byte>(bytes), new AstmFrameReader(max, tolerant), out _);
        Assert.Contains(whole, s => s.Kind == AstmTokenKind.Frame);
        Assert.DoesNotContain(whole, s => s.Kind == AstmTokenKind.Error);

        // Cutting a bare-CR frame end from its LF turns the LF into noise, which is left out; everything else must match.
        var stride = bytes.Length > 5000 ? 7 : 1;
        for (var cut = 1; cut < bytes.Length; cut += stride)
        {
            var twoSegments = ReadSequence(SegmentedSequence.Create(bytes.AsMemory(0, cut), bytes.AsMemory(cut)), new AstmFrameReader(max, tolerant), out _);
            Assert.Equal(whole, twoSegments);
            Assert.Equal(whole, ReadInTwoArrivals(bytes, cut, max, tolerant));
        }
    }

    [Fact]
    public void Every_cut_of_errors_and_controls_reads_the_same()
    {
        var bytes = Concat(
            [Enq], Frame(1, "H|\\^&\r"), FrameWithChecksum(2, "P|1\r", "00"), Frame(2, "P|1\r", isFinal: false),
            "noise"u8.ToArray(), [Stx, (byte)'9', (byte)'x', Etx, (byte)'0', (byte)'0', Cr, Lf],
            Frame(3, new string('y', 300)), [Stx, (byte)'3', (byte)'a'], [Eot], [Nak, Ack],
            FrameWithChecksum(3, "L|1|N\r", "zz"), FrameWithBareEnd(3, "L|1|N\r", Lf), Frame(3, "L|1|N\r"), [Eot]);
        var whole = ReadSequence(new ReadOnlySequence<byte>(bytes), new AstmFrameReader(247, false), out var consumed);
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(
            [AstmFrameError.BadChecksum, AstmFrameError.InvalidFrameNumber, AstmFrameError.FrameTooLong, AstmFrameError.FrameInterrupted,
             AstmFrameError.InvalidChecksumDigits, AstmFrameError.IllegalFrameEnd],
            whole.Where(s => s.Kind == AstmTokenKind.Error).Select(s => s.Error));
        Assert.Equal(3, whole.Count(s => s.Kind == AstmTokenKind.Frame));

        for (var cut = 1; cut < bytes.Length; cut++)
        {
            Assert.Equal(whole, ReadSequence(SegmentedSequence.Create(bytes.AsMemory(0, cut), bytes.AsMemory(cut)), new AstmFrameReader(247, false), out _));
            Assert.Equal(whole, ReadInTwoArrivals(bytes, cut, 247, false));
        }
    }

    [Fact]
    public void Byte_by_byte_arrival_reads_the_same_as_one_piece()
    {
        var bytes = File.ReadAllBytes(SamplePath("horiba_yumizen_h500_etb_multiframe_capture.astm"));
        var whole = ReadSequence(new ReadOnlySequence<byte>(bytes), new AstmFrameReader(247, false), out _);
        var reader = new AstmFrameReader(247, false);
        var seen = new List<Seen>();
        var start = 0;
        for (var end = 1; end <= bytes.Length; end++)
        {
            seen.AddRange(ReadSequence(new ReadOnlySequence<byte>(bytes, start, end - start), reader, out var consumed));
            start += (int)consumed;
        }
        Assert.Equal(whole, seen);
        Assert.Equal(125, seen.Count(s => s.Kind == AstmTokenKind.Frame));
    }
}
