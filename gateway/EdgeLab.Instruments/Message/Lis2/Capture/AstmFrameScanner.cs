using System.Buffers;
using System.Runtime.Intrinsics;

namespace EdgeLab.Instruments.Message.Lis2.Capture;

/// <summary>
/// Reads E1381 / LIS01-A2 frames from bytes as they crossed the wire (a capture of the instrument's side: ENQ, frames,
/// EOT) and joins their text. Every frame is checked (LIS01-A2 §6.3): <c>&lt;STX&gt; FN text &lt;ETB|ETX&gt; C1 C2
/// &lt;CR&gt;&lt;LF&gt;</c>, FN the frame number 1…7,0 wrapping (restarting at 1 after ENQ/EOT), C1 C2 the checksum —
/// the sum modulo 256 of the bytes from FN through ETB/ETX, two hex digits — verified on intermediate (ETB) frames
/// too. An exact repeat of the previous frame (a retransmission) is dropped (§6.5.1.2).
/// </summary>
internal static class AstmFrameScanner
{
    public const byte ENQ = 0x05, STX = 0x02, ETX = 0x03, ETB = 0x17, EOT = 0x04, ACK = 0x06, NAK = 0x15, CR = 0x0D, LF = 0x0A;

    private static readonly SearchValues<byte> FrameControls = SearchValues.Create([ETX, ETB, STX, EOT, ENQ]);

    /// <summary>Where a frame's text landed in the joined text, for locating record errors on the wire.</summary>
    public readonly record struct FrameSpan(int Frame, long WireOffset, int TextStart, int TextLength);

    /// <summary>Whether a capture looks like wire bytes (first significant byte ENQ or STX) rather than record lines.</summary>
    public static bool IsWireCapture(ReadOnlySpan<byte> capture)
    {
        foreach (var b in capture)
        {
            if (b is CR or LF or (byte)' ' or (byte)'\t')
                continue;
            return b is ENQ or STX;
        }
        return false;
    }

    /// <summary>
    /// Verifies every frame of <paramref name="wire"/> and writes the joined frame text to <paramref name="text"/>
    /// (which must be at least as long as <paramref name="wire"/>). Returns the text length.
    /// </summary>
    /// <param name="tolerateBareLineEnds">Accept frames ending in LF only or CR only (profile quirk) instead of failing.</param>
    /// <param name="frames">When not null, receives where each frame's text went.</param>
    /// <param name="bareLineEnds">Count of frames that ended without CR LF (tolerated).</param>
    /// <exception cref="CaptureFormatException">A frame is malformed: what, which frame and at which byte.</exception>
    public static int Join(ReadOnlySpan<byte> wire, Span<byte> text, bool tolerateBareLineEnds, List<FrameSpan>? frames, out int bareLineEnds)
    {
        bareLineEnds = 0;
        var written = 0;
        var frame = 0;
        var expected = 1;
        var previous = ReadOnlySpan<byte>.Empty;
        var pos = 0;
        while (pos < wire.Length)
        {
            var b = wire[pos];
            if (b != STX)
            {
                if (b is ENQ or EOT)
                {
                    expected = 1; // LIS01-A2 §6.3.1.2: the first frame of a transmission is number 1.
                    previous = default;
                }
                else if (b is not (ACK or NAK or CR or LF))
                {
                    throw new CaptureFormatException($"unexpected byte 0x{b:X2} between frames (expected STX, ENQ, EOT)", frame + 1, pos);
                }
                pos++;
                continue;
            }

            frame++;
            var start = pos;
            var body = wire[(pos + 1)..];
            // One pass finds the frame end and any transmission-control byte that must not occur inside frame text.
            var end = body.IndexOfAny(FrameControls);
            if (end < 0)
                throw new CaptureFormatException("frame has no ETX or ETB (truncated)", frame, start);
            if (body[end] is not (ETX or ETB))
                throw new CaptureFormatException($"control byte 0x{body[end]:X2} inside frame text (frame not terminated)", frame, start + 1 + end);
            if (end == 0)
                throw new CaptureFormatException("frame has no frame number", frame, start + 1);

            var fn = body[0];
            if (fn is < (byte)'0' or > (byte)'7')
                throw new CaptureFormatException($"frame number 0x{fn:X2} is not a digit 0-7", frame, start + 1);
            if (body.Length < end + 3)
                throw new CaptureFormatException("frame ends before its two checksum characters", frame, start + 1 + end);
            var sent = ParseHex(body[end + 1], body[end + 2]);
            var computed = Checksum(body[..(end + 1)]);
            if (sent < 0)
                throw new CaptureFormatException($"checksum characters '{(char)body[end + 1]}{(char)body[end + 2]}' are not hex", frame, start + 2 + end);
            if (sent != computed)
                throw new CaptureFormatException($"checksum mismatch: frame says {sent:X2}, bytes sum to {computed:X2}", frame, start + 2 + end);

            var after = start + 1 + end + 3;
            if (after + 1 < wire.Length && wire[after] == CR && wire[after + 1] == LF)
            {
                after += 2;
            }
            else if (after < wire.Length && wire[after] is CR or LF && tolerateBareLineEnds)
            {
                bareLineEnds++;
                after += 1;
            }
            else if (after >= wire.Length && tolerateBareLineEnds)
            {
                bareLineEnds++;
            }
            else
            {
                throw new CaptureFormatException("frame does not end with CR LF after the checksum (profile does not tolerate bare line ends)", frame, Math.Min(after, wire.Length));
            }

            var whole = wire[start..after];
            if (!previous.IsEmpty && whole.SequenceEqual(previous))
            {
                pos = after; // retransmission of the frame just accepted: LIS01-A2 drops the duplicate.
                continue;
            }
            var number = fn - '0';
            if (number != expected)
                throw new CaptureFormatException($"frame number {number}, expected {expected}", frame, start + 1);
            expected = (expected + 1) & 7;

            var frameText = body[1..end];
            frames?.Add(new FrameSpan(frame, start, written, frameText.Length));
            frameText.CopyTo(text[written..]);
            written += frameText.Length;
            previous = whole;
            pos = after;
        }
        return written;
    }

    /// <summary>LIS01-A2 §6.3.1.4: sum of the bytes from FN through ETB/ETX inclusive, modulo 256.</summary>
    /// <remarks>
    /// Only the sum modulo 256 matters, so bytes are added lane-wise in vectors with wrap-around (byte addition is
    /// already modulo 256) and the lanes summed at the end: a frame costs a few vector additions.
    /// </remarks>
    public static int Checksum(ReadOnlySpan<byte> fromFrameNumberThroughEnd)
    {
        var data = fromFrameNumberThroughEnd;
        var i = 0;
        byte sum = 0;
        if (Vector256.IsHardwareAccelerated && data.Length >= Vector256<byte>.Count)
        {
            var acc = Vector256<byte>.Zero;
            for (; i + Vector256<byte>.Count <= data.Length; i += Vector256<byte>.Count)
                acc += Vector256.Create(data.Slice(i, Vector256<byte>.Count));
            sum = Vector256.Sum(acc);
        }
        else if (Vector128.IsHardwareAccelerated && data.Length >= Vector128<byte>.Count)
        {
            var acc = Vector128<byte>.Zero;
            for (; i + Vector128<byte>.Count <= data.Length; i += Vector128<byte>.Count)
                acc += Vector128.Create(data.Slice(i, Vector128<byte>.Count));
            sum = Vector128.Sum(acc);
        }
        for (; i < data.Length; i++)
            sum += data[i];
        return sum;
    }

    private static int ParseHex(byte hi, byte lo)
    {
        var h = HexDigit(hi);
        var l = HexDigit(lo);
        return h < 0 || l < 0 ? -1 : h << 4 | l;
    }

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        _ => -1,
    };
}
