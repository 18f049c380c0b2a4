using System.Buffers;
using EdgeLab.Instruments.Application.Astm;
using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Link.Astm;

namespace EdgeLab.Instruments.Message.Lis2.Capture;

/// <summary>
/// Decodes a capture file with a dialect profile the way the live link does: the file is either bytes as on the wire
/// (ENQ, STX frames, EOT), read by the link's own <see cref="AstmFrameReader"/> and <see cref="AstmMessageAssembler"/>
/// (through <see cref="AstmCaptureDecoder"/>: every checksum and frame number verified), or LIS02-A2 records one per
/// line. Each complete H…L message then goes through <see cref="AstmMessageInterpreter"/>, the same step the live
/// link's <see cref="AstmMessageProcessor"/> takes, so what <c>decode</c> prints is what <c>run</c> commits.
/// </summary>
internal sealed class CaptureDecoder(InstrumentProfile profile, TimeZoneInfo siteZone)
{
    private const byte ENQ = 0x05, STX = 0x02, CR = 0x0D, LF = 0x0A;

    /// <summary>Decodes the file at <paramref name="path"/>.</summary>
    /// <exception cref="CaptureFormatException">What is wrong and where (frame, byte offset, record, field).</exception>
    public CaptureDecodeResult DecodeFile(string path) => Decode(File.ReadAllBytes(path));

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

    /// <summary>Decodes a capture held in memory.</summary>
    /// <exception cref="CaptureFormatException">What is wrong and where (frame, byte offset, record, field).</exception>
    public CaptureDecodeResult Decode(ReadOnlySpan<byte> capture)
    {
        if (!IsWireCapture(capture))
            return DecodeRecords(capture);

        var messages = new List<AstmInterpretation>();
        var frames = new List<CapturedFrame>();
        var bare = 0;
        var frameCount = 0;
        CaptureFormatException? failure = null;
        try
        {
            AstmCaptureDecoder.Decode(new ReadOnlySequence<byte>(capture.ToArray()), profile.MaxFrameSize, profile.TolerateBareLineEnds,
                (text, offset, frameTotal, complete) =>
                {
                    if (failure is not null) return;
                    frameCount += frameTotal;
                    foreach (var f in frames) if (f.BareLineEnd) bare++;
                    if (!complete)
                    {
                        // The live link would quarantine this (never a result): say so, and where it started.
                        failure = new CaptureFormatException(
                            "incomplete message: the transmission ended before its L record (the gateway quarantines it)",
                            frames.Count > 0 ? frames[0].Index : 0, offset);
                        return;
                    }
                    var interpretation = AstmMessageInterpreter.Interpret(text, profile, siteZone);
                    if (interpretation.Error is { } e)
                    {
                        var (frame, wireOffset) = Locate(frames, e.ByteOffset);
                        failure = new CaptureFormatException(e.What, frame, wireOffset, e);
                        return;
                    }
                    messages.Add(interpretation);
                },
                frames);
        }
        catch (AstmCaptureException e)
        {
            throw new CaptureFormatException(e.What, e.FrameIndex, e.Offset);
        }
        if (failure is not null)
            throw failure;
        var warnings = new List<string>();
        if (bare > 0)
            warnings.Add($"{bare} frame(s) end with a bare CR or LF instead of CR LF (tolerated by profile {profile.Name})");
        return new CaptureDecodeResult(messages, warnings, frameCount);
    }

    private CaptureDecodeResult DecodeRecords(ReadOnlySpan<byte> capture)
    {
        var interpretation = AstmMessageInterpreter.Interpret(capture, profile, siteZone);
        if (interpretation.Error is { } e)
            throw new CaptureFormatException(e.What, 0, e.ByteOffset, e);
        return new CaptureDecodeResult([interpretation], [], 0);
    }

    /// <summary>Maps an offset in a message's text back to the frame that carried it and the byte's offset in the file.</summary>
    private static (int Frame, long WireOffset) Locate(List<CapturedFrame> frames, long textOffset)
    {
        if (frames.Count == 0)
            return (0, textOffset);
        foreach (var f in frames)
        {
            if (textOffset < f.TextStart + f.TextLength || f.Equals(frames[^1]))
                return (f.Index, f.WireOffset + 2 + Math.Clamp(textOffset - f.TextStart, 0, f.TextLength)); // +2: STX and FN
        }
        return (frames[^1].Index, frames[^1].WireOffset);
    }
}

/// <summary>
/// What a capture decoded to, message by message as the live link would hand them up, with warnings about tolerated
/// deviations. <see cref="Messages"/> are exactly the outbox entries <c>run</c> would commit, in order.
/// </summary>
internal sealed record CaptureDecodeResult(IReadOnlyList<AstmInterpretation> Interpretations, IReadOnlyList<string> Warnings, int FrameCount)
{
    public IReadOnlyList<DecodedMessage> Messages { get; } = Interpretations.SelectMany(i => i.Parts).ToList();

    public IReadOnlyList<Lis2HostQuery> Queries { get; } = Interpretations.SelectMany(i => i.Queries).ToList();
}
