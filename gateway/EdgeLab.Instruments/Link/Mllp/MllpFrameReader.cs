using System.Buffers;

namespace EdgeLab.Instruments.Link.Mllp;

/// <summary>What the frame reader found in the byte stream.</summary>
public enum MllpItemKind
{
    /// <summary>A complete block; <see cref="MllpItem.Payload"/> is the HL7 message.</summary>
    Block,
    /// <summary>Bytes outside any block (noise, keep-alives, an abandoned or truncated block): skipped and reported.</summary>
    Junk,
    /// <summary>A block longer than the limit: discarded as it streamed past, never buffered whole, and reported.</summary>
    TooLarge,
}

/// <param name="Wire">For a block, the bytes as received from VT through the end (FS, and CR when present).
/// For junk, the junk bytes. Empty for <see cref="MllpItemKind.TooLarge"/>.</param>
/// <param name="StreamOffset">Offset of the first byte in the connection's byte stream.</param>
/// <param name="Length">Bytes consumed for this item.</param>
/// <param name="MissingTrailingCr">The block ended with FS not followed by CR (tolerated; the block is kept).</param>
public readonly record struct MllpItem(MllpItemKind Kind, ReadOnlySequence<byte> Wire, long StreamOffset, long Length, bool MissingTrailingCr = false)
{
    /// <summary>The message inside a block: <see cref="Wire"/> without VT and FS CR.</summary>
    public ReadOnlySequence<byte> Payload =>
        Kind != MllpItemKind.Block ? default : Wire.Slice(1, Wire.Length - (MissingTrailingCr ? 2 : 3));
}

/// <summary>
/// Finds MLLP blocks (HL7 v2.5 Appendix C.4.3) in a byte stream. Pure: it only looks at the sequence it is given and
/// slices it past what it reports, so it is tested over any split of the bytes. Memory stays bounded: a block that
/// grows past <c>maxMessageSize</c> is consumed as it arrives and reported as <see cref="MllpItemKind.TooLarge"/>.
/// </summary>
/// <remarks>
/// A VT inside an unfinished block means the sender gave up on it and started again: what came before is junk. A
/// block ended by FS without CR is accepted (tolerance for senders that omit it); the next byte is read as the
/// start of what follows.
/// </remarks>
public sealed class MllpFrameReader(int maxMessageSize)
{
    private static ReadOnlySpan<byte> BlockEnds => [MllpFraming.EndBlock, MllpFraming.StartBlock];
    private static ReadOnlySpan<byte> Trailer => [MllpFraming.EndBlock, MllpFraming.CarriageReturn];

    private long _position;
    private long _scanned; // bytes after VT already searched for FS without finding it
    private bool _discarding;
    private long _discardStart;
    private long _discarded;

    public int MaxMessageSize { get; } = maxMessageSize > 0 ? maxMessageSize : throw new ArgumentOutOfRangeException(nameof(maxMessageSize));

    /// <summary>Offset in the stream of the next byte to be read.</summary>
    public long Position => _position;

    /// <summary>
    /// Reads the next item from <paramref name="buffer"/>, slicing it past what was consumed. Returns false when more
    /// bytes are needed (what is left in <paramref name="buffer"/> must be offered again with more appended).
    /// <paramref name="isCompleted"/>: no more bytes will come, so an unfinished block is reported as junk.
    /// </summary>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, bool isCompleted, out MllpItem item)
    {
        item = default;
        while (!buffer.IsEmpty)
        {
            if (_discarding) return Discard(ref buffer, isCompleted, out item);
            var first = buffer.FirstSpan[0];
            if (first != MllpFraming.StartBlock)
            {
                var vt = buffer.PositionOf(MllpFraming.StartBlock);
                item = Take(ref buffer, MllpItemKind.Junk, vt is null ? buffer.Length : buffer.Slice(0, vt.Value).Length);
                return true;
            }

            var reader = new SequenceReader<byte>(buffer);
            reader.Advance(1 + _scanned);
            if (!reader.TryAdvanceToAny(BlockEnds, advancePastDelimiter: false))
            {
                var searched = buffer.Length - 1;
                if (searched > MaxMessageSize)
                {
                    _discarding = true;
                    _discardStart = _position;
                    _discarded = buffer.Length;
                    Consume(ref buffer, buffer.Length);
                    _scanned = 0;
                    continue;
                }
                if (isCompleted)
                {
                    // The stream ended inside a block: it was never completed, so it is not a message.
                    item = Take(ref buffer, MllpItemKind.Junk, buffer.Length);
                    return true;
                }
                _scanned = searched;
                return false;
            }

            reader.TryPeek(out var found);
            var at = reader.Consumed;
            if (found == MllpFraming.StartBlock)
            {
                item = Take(ref buffer, MllpItemKind.Junk, at);
                return true;
            }
            // found FS at 'at'; the payload is [1, at).
            bool missingCr;
            long end;
            if (at + 1 < buffer.Length)
            {
                missingCr = !reader.IsNext(Trailer);
                end = missingCr ? at + 1 : at + 2;
            }
            else if (!isCompleted)
            {
                _scanned = at - 1; // search again from the FS once the next byte is here
                return false;
            }
            else
            {
                missingCr = true;
                end = at + 1;
            }
            _scanned = 0;
            if (at - 1 > MaxMessageSize)
            {
                var start = _position;
                Consume(ref buffer, end);
                item = new MllpItem(MllpItemKind.TooLarge, ReadOnlySequence<byte>.Empty, start, end);
                return true;
            }
            item = Take(ref buffer, MllpItemKind.Block, end, missingCr);
            return true;
        }
        return _discarding && isCompleted && Finish(out item);
    }

    private bool Discard(ref ReadOnlySequence<byte> buffer, bool isCompleted, out MllpItem item)
    {
        item = default;
        var reader = new SequenceReader<byte>(buffer);
        if (reader.TryAdvanceToAny(BlockEnds, advancePastDelimiter: false))
        {
            reader.TryPeek(out var found);
            var at = reader.Consumed;
            long end;
            if (found == MllpFraming.StartBlock) end = at; // a new block starts: the oversized one ends here
            else if (at + 1 < buffer.Length) end = reader.IsNext(Trailer) ? at + 2 : at + 1;
            else if (!isCompleted)
            {
                _discarded += at;
                Consume(ref buffer, at);
                return false;
            }
            else end = at + 1;
            _discarded += end;
            Consume(ref buffer, end);
            return Finish(out item);
        }
        _discarded += buffer.Length;
        Consume(ref buffer, buffer.Length);
        return isCompleted && Finish(out item);
    }

    private bool Finish(out MllpItem item)
    {
        item = new MllpItem(MllpItemKind.TooLarge, ReadOnlySequence<byte>.Empty, _discardStart, _discarded);
        _discarding = false;
        _discarded = 0;
        return true;
    }

    private MllpItem Take(ref ReadOnlySequence<byte> buffer, MllpItemKind kind, long length, bool missingCr = false)
    {
        var item = new MllpItem(kind, buffer.Slice(0, length), _position, length, missingCr);
        Consume(ref buffer, length);
        _scanned = 0;
        return item;
    }

    private void Consume(ref ReadOnlySequence<byte> buffer, long length)
    {
        buffer = buffer.Slice(length);
        _position += length;
    }
}
