using System.Buffers;
using EdgeLab.Instruments.Link.Mllp;
using EdgeLab.Instruments.Tests.Hl7;
using FsCheck;
using FsCheck.Fluent;

namespace EdgeLab.Instruments.Tests.Mllp;

/// <summary>Random and mutated byte streams, split at random points, into the MLLP frame reader.</summary>
public sealed class MllpFuzzTests
{
    private const int Limit = 512;

    private static Gen<byte> Byte => Gen.Frequency(
        (4, Gen.Elements<byte>(0x0B, 0x1C, 0x0D, (byte)'M')),
        (6, Gen.Choose(0, 255).Select(i => (byte)i)));

    private static Gen<(byte[] Bytes, int[] Cuts)> Stream(Gen<byte[]> bytes) =>
        bytes.SelectMany(b => Gen.Choose(0, b.Length).ArrayOf().Select(cuts => (b, cuts.Order().ToArray())));

    private static void ReadsEverythingWithinBounds((byte[] Bytes, int[] Cuts) input)
    {
        var reader = new MllpFrameReader(Limit);
        var pending = Array.Empty<byte>();
        long accounted = 0;
        var from = 0;
        foreach (var cut in input.Cuts.Append(input.Bytes.Length))
        {
            var piece = cut - from;
            pending = [.. pending, .. input.Bytes.AsSpan(from, piece)];
            from = cut;
            var last = cut == input.Bytes.Length;
            var buffer = new ReadOnlySequence<byte>(pending);
            while (reader.TryRead(ref buffer, last, out var item))
            {
                // Items are contiguous: nothing skipped silently, nothing counted twice (a too-large block is reported from its start).
                if (item.Kind != MllpItemKind.TooLarge) Assert.Equal(accounted, item.StreamOffset);
                accounted = item.StreamOffset + item.Length;
                if (item.Kind == MllpItemKind.Block) Assert.True(item.Payload.Length <= Limit);
            }
            pending = buffer.ToArray();
            // Held back: at most a block up to the limit with its envelope, plus the piece that just arrived.
            Assert.True(pending.Length <= Limit + 3 + piece, $"{pending.Length} bytes held");
        }
        // Everything is accounted for once the stream has ended.
        Assert.Empty(pending);
        Assert.Equal(input.Bytes.Length, accounted);
        Assert.Equal(input.Bytes.Length, reader.Position);
    }

    [Fact]
    public void Random_bytes_in_random_pieces_are_all_accounted_for() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Stream(Byte.ArrayOf()).ToArbitrary(), ReadsEverythingWithinBounds));

    [Fact]
    public void Mutated_framed_sample_in_random_pieces_is_all_accounted_for()
    {
        byte[] framed = [.. MllpFraming.Wrap(Hl7TestData.MindraySampleCr.AsSpan(0, 400)), .. MllpFraming.Wrap("MSH|^~\\&|x"u8)];
        var mutated = Gen.Zip(Gen.Choose(0, framed.Length - 1), Byte).ArrayOf().Select(edits =>
        {
            var copy = (byte[])framed.Clone();
            foreach (var (at, b) in edits) copy[at] = b;
            return copy;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(Stream(mutated).ToArbitrary(), ReadsEverythingWithinBounds));
    }

    [Fact]
    public void Held_bytes_never_exceed_the_limit_plus_one_piece() =>
        Prop.ForAll(Byte.ArrayOf().ToArbitrary(), (byte[] body) =>
        {
            var reader = new MllpFrameReader(Limit);
            var pending = Array.Empty<byte>();
            byte[] stream = [0x0B, .. body, .. body, .. body, .. body];
            foreach (var piece in stream.Chunk(64))
            {
                pending = [.. pending, .. piece];
                var buffer = new ReadOnlySequence<byte>(pending);
                while (reader.TryRead(ref buffer, false, out _)) { }
                pending = buffer.ToArray();
                Assert.True(pending.Length <= Limit + 1 + 64, $"{pending.Length} bytes held");
            }
        }).QuickCheckThrowOnFailure();
}
