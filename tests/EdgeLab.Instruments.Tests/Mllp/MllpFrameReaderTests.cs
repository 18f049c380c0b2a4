using System.Buffers;
using System.Text;
using EdgeLab.Instruments.Link.Mllp;

namespace EdgeLab.Instruments.Tests.Mllp;

/// <summary>MLLP block framing (HL7 v2.5 Appendix C.4.3) over byte sequences split at every boundary.</summary>
public sealed class MllpFrameReaderTests
{
    private static byte[] Block(string text) => MllpFraming.Wrap(Encoding.ASCII.GetBytes(text));

    /// <summary>Feeds <paramref name="chunks"/> as a pipe would: leftovers are offered again with the next chunk appended.</summary>
    internal static List<(MllpItemKind Kind, string Text, long Offset, long Length, bool MissingCr)> Feed(MllpFrameReader reader, IEnumerable<byte[]> chunks, bool complete = true)
    {
        var items = new List<(MllpItemKind, string, long, long, bool)>();
        var pending = Array.Empty<byte>();
        var list = chunks.ToList();
        for (var c = 0; c < list.Count; c++)
        {
            pending = [.. pending, .. list[c]];
            var last = complete && c == list.Count - 1;
            var buffer = new ReadOnlySequence<byte>(pending);
            while (reader.TryRead(ref buffer, last, out var item))
            {
                var text = item.Kind == MllpItemKind.Block ? Encoding.ASCII.GetString(item.Payload.ToArray()) : Encoding.ASCII.GetString(item.Wire.ToArray());
                items.Add((item.Kind, text, item.StreamOffset, item.Length, item.MissingTrailingCr));
            }
            pending = buffer.ToArray();
        }
        return items;
    }

    [Fact]
    public void Blocks_and_junk_are_found_in_one_piece()
    {
        byte[] wire = [.. "noise"u8, .. Block("MSH|first"), .. "\r\n"u8, .. Block("MSH|second")];
        var items = Feed(new MllpFrameReader(1000), [wire]);
        Assert.Equal(
            [
                (MllpItemKind.Junk, "noise", 0L, 5L, false),
                (MllpItemKind.Block, "MSH|first", 5L, 12L, false),
                (MllpItemKind.Junk, "\r\n", 17L, 2L, false),
                (MllpItemKind.Block, "MSH|second", 19L, 13L, false),
            ],
            items);
    }

    [Fact]
    public void Every_split_point_gives_the_same_items()
    {
        byte[] wire = [.. "x"u8, .. Block("MSH|a\rOBX|1"), .. Block("MSH|b"), .. "\vMSH|abandoned"u8, .. Block("MSH|c")];
        var whole = Feed(new MllpFrameReader(1000), [wire]);
        Assert.Equal(5, whole.Count);
        Assert.Equal((MllpItemKind.Junk, "\vMSH|abandoned"), (whole[3].Kind, whole[3].Text));
        for (var i = 0; i <= wire.Length; i++)
        {
            for (var j = i; j <= wire.Length; j++)
            {
                var split = Feed(new MllpFrameReader(1000), [wire[..i], wire[i..j], wire[j..]]);
                Assert.Equal(whole, MergeJunk(split));
            }
        }
    }

    [Fact]
    public void Byte_by_byte_gives_the_same_items()
    {
        byte[] wire = [.. Block("MSH|a"), .. "zz"u8, .. Block("MSH|b")];
        var whole = Feed(new MllpFrameReader(1000), [wire]);
        var bytes = Feed(new MllpFrameReader(1000), wire.Select(b => new[] { b }));
        Assert.Equal(whole, MergeJunk(bytes));
    }

    /// <summary>Junk arriving in pieces is reported piece by piece; merge adjacent junk to compare with the unsplit read.</summary>
    private static List<(MllpItemKind, string, long, long, bool)> MergeJunk(List<(MllpItemKind Kind, string Text, long Offset, long Length, bool MissingCr)> items)
    {
        var merged = new List<(MllpItemKind, string, long, long, bool)>();
        foreach (var it in items)
        {
            if (merged.Count > 0 && it.Kind == MllpItemKind.Junk && merged[^1].Item1 == MllpItemKind.Junk && merged[^1].Item3 + merged[^1].Item4 == it.Offset)
                merged[^1] = (MllpItemKind.Junk, merged[^1].Item2 + it.Text, merged[^1].Item3, merged[^1].Item4 + it.Length, false);
            else merged.Add(it);
        }
        return merged;
    }

    [Fact]
    public void FS_without_CR_is_tolerated_and_flagged()
    {
        byte[] wire = [0x0B, .. "MSH|a"u8, 0x1C, 0x0B, .. "MSH|b"u8, 0x1C];
        var items = Feed(new MllpFrameReader(1000), [wire]);
        Assert.Equal([(MllpItemKind.Block, "MSH|a", 0L, 7L, true), (MllpItemKind.Block, "MSH|b", 7L, 7L, true)], items);
    }

    [Fact]
    public void A_block_waits_for_the_byte_after_FS_while_the_stream_is_open()
    {
        var reader = new MllpFrameReader(1000);
        var buffer = new ReadOnlySequence<byte>([0x0B, .. "MSH|a"u8, 0x1C]);
        Assert.False(reader.TryRead(ref buffer, false, out _));
        Assert.Equal(7, buffer.Length);
    }

    [Fact]
    public void A_block_cut_off_by_the_end_of_the_stream_is_junk()
    {
        var items = Feed(new MllpFrameReader(1000), [[0x0B, .. "MSH|cut"u8]]);
        Assert.Equal([(MllpItemKind.Junk, "\vMSH|cut", 0L, 8L, false)], items);
    }

    [Fact]
    public void Oversized_block_is_discarded_as_it_streams_and_the_next_one_is_read()
    {
        var big = Block("MSH|" + new string('x', 500));
        byte[] wire = [.. big, .. Block("MSH|ok")];
        var reader = new MllpFrameReader(100);
        // 50-byte chunks: the reader never holds more than the limit plus one chunk.
        var chunks = wire.Chunk(50).ToList();
        var items = Feed(reader, chunks);
        Assert.Equal(2, items.Count);
        Assert.Equal((MllpItemKind.TooLarge, 0L, (long)big.Length), (items[0].Kind, items[0].Offset, items[0].Length));
        Assert.Equal((MllpItemKind.Block, "MSH|ok"), (items[1].Kind, items[1].Text));

        // In one piece too.
        var one = Feed(new MllpFrameReader(100), [wire]);
        Assert.Equal((MllpItemKind.TooLarge, (long)big.Length), (one[0].Kind, one[0].Length));
        Assert.Equal("MSH|ok", one[1].Text);
    }

    [Fact]
    public void Pending_bytes_stay_bounded_by_the_limit()
    {
        var reader = new MllpFrameReader(100);
        var pending = new byte[] { 0x0B };
        for (var i = 0; i < 1000; i++)
        {
            pending = [.. pending, .. new byte[37]];
            var buffer = new ReadOnlySequence<byte>(pending);
            while (reader.TryRead(ref buffer, false, out _)) { }
            pending = buffer.ToArray();
            Assert.True(pending.Length <= 100 + 1 + 37, $"{pending.Length} bytes held");
        }
    }
}
