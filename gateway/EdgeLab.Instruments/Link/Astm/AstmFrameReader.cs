using System.Buffers;

namespace EdgeLab.Instruments.Link.Astm;

/// <summary>
/// Splits the bytes of an E1381 / LIS01-A2 line into link tokens: control characters, frames
/// <c>&lt;STX&gt; FN text &lt;ETB|ETX&gt; C1 C2 &lt;CR&gt;&lt;LF&gt;</c> (LIS01-A2 §6.3.1) with the checksum verified on every
/// frame, intermediate ETB frames included (§6.3.3), rejected frames as typed errors with byte offsets, and noise.
/// </summary>
/// <remarks>
/// <para>Pure: no I/O, no timers, never throws for any input. Used like a Kestrel parser over a pipe: call
/// <see cref="TryRead"/> until it returns false, then hand back the unconsumed rest together with the next bytes. The
/// reader remembers how far it already scanned a partial frame, so a 64,000-byte frame trickling in over 9600 baud is
/// scanned once, and it never holds more than one frame limit of input: an over-long frame is skipped as it arrives.</para>
/// <para>Bare line ends: some instruments (and captures that went through editors) end frames with LF only or CR only.
/// With <c>tolerateBareLineEnds</c> a frame ends at the first CR or LF after the checksum, and an LF that follows a CR
/// on its own becomes noise, so a CR-only sender is answered at once rather than after its own timeout.</para>
/// </remarks>
internal sealed class AstmFrameReader
{
    private readonly int _maxTextLength;
    private readonly bool _tolerateBareLineEnds;

    // Progress through the frame at the head of the buffer (valid while _scanned > 0).
    private long _scanned;
    private AstmFrameError _pendingError;
    private long _pendingErrorOffset;
    private byte _pendingOffending;

    // Skipping an over-long frame (FrameTooLong) until its end.
    private bool _skipping;
    private bool _skipAfterTerminator;
    private long _skipStart;
    private int _skipFrameNumber;
    private long _skipErrorOffset;

    public AstmFrameReader(int maxFrameSize, bool tolerateBareLineEnds)
    {
        if (maxFrameSize < AstmControl.FrameOverhead + 1 || maxFrameSize > AstmControl.Lis01A2MaxFrameSize)
        {
            throw new ArgumentOutOfRangeException(nameof(maxFrameSize), maxFrameSize,
                $"a frame holds 8 to {AstmControl.Lis01A2MaxFrameSize} bytes (LIS01-A2 §6.3.1.1)");
        }
        _maxTextLength = maxFrameSize - AstmControl.FrameOverhead;
        _tolerateBareLineEnds = tolerateBareLineEnds;
    }

    /// <summary>Offset from the start of the stream of the next byte not yet consumed.</summary>
    public long Position { get; private set; }

    public int MaxTextLength => _maxTextLength;

    /// <summary>
    /// Reads one token from the front of <paramref name="buffer"/> and slices it off. False when the buffer holds no
    /// complete token yet; then nothing was consumed and the caller waits for more bytes.
    /// </summary>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out AstmToken token)
    {
        token = default;
        if (buffer.IsEmpty) return false;
        if (_skipping) return TrySkip(ref buffer, out token);

        var first = buffer.FirstSpan[0];
        switch (first)
        {
            case AstmControl.Stx:
                return TryReadFrame(ref buffer, out token);
            case AstmControl.Enq or AstmControl.Eot or AstmControl.Ack or AstmControl.Nak:
                token = AstmToken.ForControl(Position, buffer.Slice(0, 1), first);
                Consume(ref buffer, 1);
                return true;
            default:
                // Outside a frame the link ignores everything but STX and the control characters (LIS01-A2 §6.2.1).
                var next = IndexOfAny(buffer, 0, buffer.Length, AstmControl.LinkCharacters);
                var length = next < 0 ? buffer.Length : next;
                token = AstmToken.ForNoise(Position, buffer.Slice(0, length));
                Consume(ref buffer, length);
                return true;
        }
    }

    private bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out AstmToken token)
    {
        token = default;
        var start = Position;
        if (buffer.Length < 2) return false;

        var fnByte = At(buffer, 1);
        if (IsInterrupt(fnByte)) return Interrupted(ref buffer, 1, -1, fnByte, out token);
        var frameNumber = fnByte is >= (byte)'0' and <= (byte)'7' ? fnByte - '0' : -1;
        if (_scanned == 0)
        {
            _scanned = 2;
            _pendingError = AstmFrameError.None;
            if (frameNumber < 0) Remember(AstmFrameError.InvalidFrameNumber, start + 1, fnByte);
        }

        // Find ETB/ETX within the frame limit (§6.3.1.1), noting restricted characters on the way (§6.3.1.2).
        long terminator;
        var textLimit = 2L + _maxTextLength + 1;
        while (true)
        {
            var searchEnd = Math.Min(buffer.Length, textLimit);
            var hit = IndexOfAny(buffer, _scanned, searchEnd - _scanned, AstmControl.TextStoppers);
            if (hit < 0)
            {
                _scanned = searchEnd;
                if (searchEnd < textLimit) return false;
                BeginSkip(start, frameNumber, start + textLimit - 1);
                token = AstmToken.ForNoise(start, buffer.Slice(0, searchEnd));
                Consume(ref buffer, searchEnd);
                return true;
            }
            var b = At(buffer, hit);
            if (b is AstmControl.Etx or AstmControl.Etb)
            {
                terminator = hit;
                _scanned = hit;
                break;
            }
            if (IsInterrupt(b)) return Interrupted(ref buffer, hit, frameNumber, b, out token);
            if (b == AstmControl.Lf)
            {
                // An LF inside the text means ETB/ETX was lost on the line: the frame ends here, rejected.
                Remember(AstmFrameError.RestrictedCharacter, start + hit, b);
                return Rejected(ref buffer, hit + 1, frameNumber, out token);
            }
            Remember(AstmFrameError.RestrictedCharacter, start + hit, b);
            _scanned = hit + 1;
        }

        // C1 C2 and the line end.
        if (buffer.Length < terminator + 4) return false;
        var c1 = At(buffer, terminator + 1);
        var c2 = At(buffer, terminator + 2);
        if (IsInterrupt(c1)) return Interrupted(ref buffer, terminator + 1, frameNumber, c1, out token);
        if (IsInterrupt(c2)) return Interrupted(ref buffer, terminator + 2, frameNumber, c2, out token);

        long end;
        var endErrorAt = -1L;
        var e1 = At(buffer, terminator + 3);
        if (e1 == AstmControl.Cr)
        {
            if (buffer.Length >= terminator + 5 && At(buffer, terminator + 4) == AstmControl.Lf) end = terminator + 5;
            else if (_tolerateBareLineEnds) end = terminator + 4;
            else if (buffer.Length < terminator + 5) return false;
            else
            {
                end = terminator + 4;
                endErrorAt = terminator + 4;
            }
        }
        else if (e1 == AstmControl.Lf && _tolerateBareLineEnds) end = terminator + 4;
        else
        {
            end = terminator + 3;
            endErrorAt = terminator + 3;
        }

        // Errors in the order their bytes came: frame number, text, checksum digits, checksum value, line end.
        if (_pendingError != AstmFrameError.None) return Rejected(ref buffer, end, frameNumber, out token);
        var body = buffer.Slice(1, terminator);
        if (!AstmChecksum.TryParse(c1, c2, out var received))
        {
            var bad = AstmChecksum.TryParse(c1, (byte)'0', out _) ? c2 : c1;
            var badAt = bad == c1 ? terminator + 1 : terminator + 2;
            Remember(AstmFrameError.InvalidChecksumDigits, start + badAt, bad);
            return Rejected(ref buffer, end, frameNumber, out token);
        }
        var computed = AstmChecksum.Compute(body);
        if (computed != received)
        {
            token = AstmToken.ForError(start, buffer.Slice(0, end), frameNumber, AstmFrameError.BadChecksum,
                start + terminator + 1, checksumReceived: received, checksumComputed: computed);
            Consume(ref buffer, end);
            return true;
        }
        if (endErrorAt >= 0)
        {
            Remember(AstmFrameError.IllegalFrameEnd, start + endErrorAt, At(buffer, endErrorAt));
            return Rejected(ref buffer, end, frameNumber, out token);
        }

        token = AstmToken.ForFrame(start, buffer.Slice(0, end), frameNumber, At(buffer, terminator) == AstmControl.Etx, body);
        Consume(ref buffer, end);
        return true;
    }

    /// <summary>STX, ENQ or EOT inside a frame: the frame ends before that byte, which is read again as itself.</summary>
    private bool Interrupted(ref ReadOnlySequence<byte> buffer, long at, int frameNumber, byte b, out AstmToken token)
    {
        _pendingError = AstmFrameError.None;
        Remember(AstmFrameError.FrameInterrupted, Position + at, b);
        return Rejected(ref buffer, at, frameNumber, out token);
    }

    private bool Rejected(ref ReadOnlySequence<byte> buffer, long end, int frameNumber, out AstmToken token)
    {
        token = AstmToken.ForError(Position, buffer.Slice(0, end), frameNumber, _pendingError, _pendingErrorOffset, _pendingOffending);
        Consume(ref buffer, end);
        return true;
    }

    /// <summary>Keeps the first error of the frame: the one nearest its start.</summary>
    private void Remember(AstmFrameError error, long offset, byte offending)
    {
        if (_pendingError != AstmFrameError.None) return;
        _pendingError = error;
        _pendingErrorOffset = offset;
        _pendingOffending = offending;
    }

    private void BeginSkip(long start, int frameNumber, long errorOffset)
    {
        _skipping = true;
        _skipAfterTerminator = false;
        _skipStart = start;
        _skipFrameNumber = frameNumber;
        _skipErrorOffset = errorOffset;
    }

    /// <summary>
    /// Passes over the rest of an over-long frame as noise (bounded memory), then reports it as
    /// <see cref="AstmFrameError.FrameTooLong"/> where the frame ends: after ETB/ETX C1 C2 and its line end, at an LF,
    /// or before STX/ENQ/EOT.
    /// </summary>
    private bool TrySkip(ref ReadOnlySequence<byte> buffer, out AstmToken token)
    {
        token = default;
        long end;
        if (!_skipAfterTerminator)
        {
            var hit = IndexOfAny(buffer, 0, buffer.Length, AstmControl.TextStoppers);
            var b = hit < 0 ? (byte)0 : At(buffer, hit);
            if (hit < 0 || !(b is AstmControl.Etx or AstmControl.Etb or AstmControl.Lf || IsInterrupt(b)))
            {
                var length = hit < 0 ? buffer.Length : hit + 1;
                token = AstmToken.ForNoise(Position, buffer.Slice(0, length));
                Consume(ref buffer, length);
                return true;
            }
            if (b is AstmControl.Etx or AstmControl.Etb)
            {
                _skipAfterTerminator = true;
                token = AstmToken.ForNoise(Position, buffer.Slice(0, hit + 1));
                Consume(ref buffer, hit + 1);
                return true;
            }
            end = b == AstmControl.Lf ? hit + 1 : hit;
        }
        else
        {
            // At most C1 C2 CR LF remain.
            end = -1;
            var available = Math.Min(buffer.Length, 4);
            for (var k = 0; k < available && end < 0; k++)
            {
                var b = At(buffer, k);
                if (IsInterrupt(b)) end = k;
                else if (k == 2 && b != AstmControl.Cr) end = b == AstmControl.Lf ? 3 : 2;
                else if (k == 3) end = b == AstmControl.Lf ? 4 : 3;
            }
            if (end < 0)
            {
                if (available == 3 && _tolerateBareLineEnds) end = 3;
                else return false;
            }
        }
        _skipping = false;
        _scanned = 0;
        token = AstmToken.ForError(_skipStart, buffer.Slice(0, end), _skipFrameNumber, AstmFrameError.FrameTooLong, _skipErrorOffset);
        Consume(ref buffer, end);
        return true;
    }

    private void Consume(ref ReadOnlySequence<byte> buffer, long count)
    {
        buffer = buffer.Slice(count);
        Position += count;
        if (!_skipping) _scanned = 0;
        _pendingError = AstmFrameError.None;
    }

    private static bool IsInterrupt(byte b) => b is AstmControl.Stx or AstmControl.Enq or AstmControl.Eot;

    private static byte At(in ReadOnlySequence<byte> buffer, long index)
    {
        var first = buffer.FirstSpan;
        return index < first.Length ? first[(int)index] : buffer.Slice(index, 1).FirstSpan[0];
    }

    private static long IndexOfAny(in ReadOnlySequence<byte> buffer, long from, long count, SearchValues<byte> values)
    {
        if (count <= 0) return -1;
        var first = buffer.FirstSpan;
        if (from + count <= first.Length)
        {
            var i = first.Slice((int)from, (int)count).IndexOfAny(values);
            return i < 0 ? -1 : from + i;
        }
        var offset = from;
        foreach (var segment in buffer.Slice(from, count))
        {
            var i = segment.Span.IndexOfAny(values);
            if (i >= 0) return offset + i;
            offset += segment.Length;
        }
        return -1;
    }
}
