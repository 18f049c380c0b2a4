using System.Buffers;
using EdgeLab.Instruments.Dialect;

namespace EdgeLab.Instruments.Message.Lis2.Capture;

/// <summary>
/// Decodes a capture file with a dialect profile. The file is either bytes as on the wire (ENQ, STX frames, EOT —
/// every checksum verified, see <see cref="AstmFrameScanner"/>) or LIS02-A2 records one per line. Every H…L message
/// in it becomes one <see cref="DecodedMessage"/> per order.
/// </summary>
internal sealed class CaptureDecoder(InstrumentProfile profile, TimeZoneInfo siteZone)
{
    /// <summary>Decodes the file at <paramref name="path"/>.</summary>
    /// <exception cref="CaptureFormatException">What is wrong and where (frame, byte offset, record, field).</exception>
    public CaptureDecodeResult DecodeFile(string path) => Decode(File.ReadAllBytes(path));

    /// <summary>Decodes a capture held in memory.</summary>
    /// <exception cref="CaptureFormatException">What is wrong and where (frame, byte offset, record, field).</exception>
    public CaptureDecodeResult Decode(ReadOnlySpan<byte> capture)
    {
        if (!AstmFrameScanner.IsWireCapture(capture))
            return DecodeRecords(capture);

        var frames = new List<AstmFrameScanner.FrameSpan>();
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(capture.Length, 1));
        try
        {
            var length = AstmFrameScanner.Join(capture, rented, profile.TolerateBareLineEnds, frames, out var bare);
            var warnings = new List<string>();
            if (bare > 0)
                warnings.Add($"{bare} frame(s) end with a bare CR or LF instead of CR LF (tolerated by profile {profile.Name})");
            try
            {
                var result = Lis2DialectDecoder.Decode(rented.AsSpan(0, length), profile, siteZone);
                return new CaptureDecodeResult(result, warnings, frames.Count);
            }
            catch (Lis2FormatException e)
            {
                var (frame, wireOffset) = Locate(frames, e.ByteOffset);
                throw new CaptureFormatException(e.What, frame, wireOffset, e);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private CaptureDecodeResult DecodeRecords(ReadOnlySpan<byte> capture)
    {
        try
        {
            return new CaptureDecodeResult(Lis2DialectDecoder.Decode(capture, profile, siteZone), [], 0);
        }
        catch (Lis2FormatException e)
        {
            throw new CaptureFormatException(e.What, 0, e.ByteOffset, e);
        }
    }

    /// <summary>Maps an offset in the joined text back to the frame that carried it and the byte's offset in the file.</summary>
    private static (int Frame, long WireOffset) Locate(List<AstmFrameScanner.FrameSpan> frames, long textOffset)
    {
        if (frames.Count == 0)
            return (0, textOffset);
        foreach (var f in frames)
        {
            if (textOffset < f.TextStart + f.TextLength || f.Equals(frames[^1]))
                return (f.Frame, f.WireOffset + 2 + Math.Clamp(textOffset - f.TextStart, 0, f.TextLength)); // +2: STX and FN
        }
        return (frames[^1].Frame, frames[^1].WireOffset);
    }
}

/// <summary>What a capture decoded to, with warnings about tolerated deviations.</summary>
internal sealed record CaptureDecodeResult(Lis2DecodeResult Decoded, IReadOnlyList<string> Warnings, int FrameCount)
{
    public IReadOnlyList<DecodedMessage> Messages => Decoded.Messages;
}
