using System.Buffers;
using EdgeLab.Instruments.Link.Astm;
using FsCheck;
using FsCheck.Fluent;

namespace EdgeLab.Instruments.Tests.Astm;

/// <summary>
/// Random and mutated bytes into the reader: it never throws, accounts for every byte, never holds back more than one
/// frame limit of input, and allocates nothing however long the input.
/// </summary>
public class AstmFrameReaderPropertyTests
{
    private static readonly byte[] Corpus = AstmTestBytes.SampleNames()
        .Where(n => !AstmTestBytes.NeedsTolerance(n))
        .SelectMany(n => File.ReadAllBytes(AstmTestBytes.SamplePath(n)))
        .ToArray();

    /// <summary>Reads everything (pipe-style, in chunks); returns bytes held back at the end.</summary>
    private static long Drain(byte[] input, int chunk, int maxFrameSize, bool tolerant)
    {
        var reader = new AstmFrameReader(maxFrameSize, tolerant);
        var start = 0;
        for (var end = Math.Min(chunk, input.Length); ; end = Math.Min(end + chunk, input.Length))
        {
            var buffer = new ReadOnlySequence<byte>(input, start, end - start);
            var before = buffer.Length;
            while (reader.TryRead(ref buffer, out var token))
            {
                if (token.Kind == AstmTokenKind.Error) _ = token.Error; // typed, never thrown
            }
            start += (int)(before - buffer.Length);
            Assert.True(end - start <= maxFrameSize, $"held back {end - start} bytes, more than a frame");
            if (end == input.Length) return end - start;
        }
    }

    private static Gen<byte[]> Mutated() =>
        from offset in Gen.Choose(0, Corpus.Length - 1)
        from length in Gen.Choose(1, 2000)
        from mutations in Gen.ListOf(Gen.Zip(Gen.Choose(0, 1999), Gen.Choose(0, 255)))
        select Mutate(offset, length, mutations);

    private static byte[] Mutate(int offset, int length, IEnumerable<(int At, int Value)> mutations)
    {
        var slice = Corpus.AsSpan(offset, Math.Min(length, Corpus.Length - offset)).ToArray();
        foreach (var (at, value) in mutations) slice[at % slice.Length] = (byte)value;
        return slice;
    }

    [Fact]
    public void Random_bytes_never_throw_and_are_never_held_beyond_a_frame()
    {
        var control = Gen.Elements<byte>(0x02, 0x03, 0x04, 0x05, 0x06, 0x0A, 0x0D, 0x15, 0x17, (byte)'1', (byte)'A', (byte)'|');
        var anyByte = Gen.Choose(0, 255).Select(i => (byte)i);
        var bytes = Gen.Frequency((1, control), (1, anyByte)).ArrayOf();
        Prop.ForAll(bytes.ToArbitrary(), Gen.Choose(1, 64).ToArbitrary(), (input, chunk) =>
        {
            Drain(input, chunk, 16, tolerant: false);
            Drain(input, chunk, 16, tolerant: true);
            Drain(input, chunk, 247, tolerant: false);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Mutated_captures_never_throw_and_are_never_held_beyond_a_frame()
    {
        Prop.ForAll(Mutated().ToArbitrary(), Gen.Choose(1, 300).ToArbitrary(), (input, chunk) =>
        {
            Drain(input, chunk, 247, tolerant: false);
            Drain(input, chunk, 247, tolerant: true);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Capture_decoder_throws_only_the_typed_protocol_error()
    {
        Prop.ForAll(Mutated().ToArbitrary(), input =>
        {
            try
            {
                AstmCaptureDecoder.Decode(input, 247);
            }
            catch (AstmProtocolException e)
            {
                Assert.InRange(e.Offset, 0, input.Length);
            }
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(AstmControl.Eot)]
    [InlineData(AstmControl.Stx)]
    [InlineData(AstmControl.Enq)]
    public void An_over_long_frame_cut_off_right_after_its_etx_is_a_typed_frame_too_long_error(byte next)
    {
        // bench/fuzz astm-frames finding: the over-long frame's error token was empty (its STX had gone by as noise)
        // and the capture decoder read its first byte: IndexOutOfRangeException instead of the protocol error.
        byte[] capture = [AstmControl.Stx, (byte)'1', .. Enumerable.Repeat((byte)'A', 30), AstmControl.Etx, next, (byte)'1'];

        var error = Assert.Throws<AstmCaptureException>(() => AstmCaptureDecoder.Decode(capture, maxFrameSize: 16));

        Assert.Equal(AstmFrameError.FrameTooLong, error.Error);
        Assert.Equal(1, error.FrameIndex);
    }

    [Fact]
    public void Reading_allocates_nothing_however_long_the_input()
    {
        var input = Enumerable.Repeat(Corpus, 20).SelectMany(b => b).ToArray();
        // Warm up the very loop that is measured: a cold loop in the test body is tiered up on stack (OSR) while it
        // runs, and that one-off work is counted against this thread (5.6 KB seen once on a loaded box).
        CountFrames(input);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var frames = CountFrames(input);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(frames > 1000);
        Assert.True(allocated < 1024, $"{allocated} bytes allocated reading {input.Length} bytes");

        static int CountFrames(byte[] input)
        {
            var reader = new AstmFrameReader(247, false);
            var buffer = new ReadOnlySequence<byte>(input);
            var frames = 0;
            while (reader.TryRead(ref buffer, out var token))
            {
                if (token.Kind == AstmTokenKind.Frame) frames++;
            }
            return frames;
        }
    }
}
