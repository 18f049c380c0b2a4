using System.Buffers;

namespace EdgeLab.Instruments.Link.Astm;

/// <summary>One message found in a capture: its record text (frames joined) and where it lies in the capture.</summary>
/// <param name="Text">Records separated by CR, as <see cref="IAstmMessageHandler"/> receives them.</param>
/// <param name="Offset">Byte offset of the message's first frame in the capture.</param>
/// <param name="Frames">Frames the message came in.</param>
/// <param name="IsComplete">False when the capture ended (or EOT came) before the L record.</param>
public sealed record AstmCapturedMessage(ReadOnlyMemory<byte> Text, long Offset, int Frames, bool IsComplete);

/// <summary>
/// Reads a capture of one direction of an ASTM line (bytes as on the wire: ENQ, frames, EOT) into LIS02-A2 messages,
/// verifying every frame's checksum and number, the way the receiver would; used by the <c>decode</c> command and the
/// benchmark. Captures without ENQ (frames only) are read as one transmission.
/// </summary>
public static class AstmCaptureDecoder
{
    /// <exception cref="AstmProtocolException">A bad frame: what is wrong, the byte offset and the frame number.</exception>
    public static IReadOnlyList<AstmCapturedMessage> Decode(ReadOnlyMemory<byte> capture, int maxFrameSize = AstmControl.Lis01A2MaxFrameSize, bool tolerateBareLineEnds = false)
    {
        var messages = new List<AstmCapturedMessage>();
        Decode(new ReadOnlySequence<byte>(capture), maxFrameSize, tolerateBareLineEnds,
            (text, offset, frames, complete) => messages.Add(new AstmCapturedMessage(text.ToArray(), offset, frames, complete)));
        return messages;
    }

    /// <summary>Streams messages to <paramref name="onMessage"/>; the text span is valid only during the call.</summary>
    /// <param name="frames">When given: the frames of the message being handed up (cleared after each message), to
    /// locate record errors on the wire.</param>
    internal static void Decode(ReadOnlySequence<byte> capture, int maxFrameSize, bool tolerateBareLineEnds, MessageCallback onMessage,
        List<CapturedFrame>? frames = null)
    {
        var reader = new AstmFrameReader(maxFrameSize, tolerateBareLineEnds);
        var assembler = new AstmMessageAssembler();
        var messageOffset = 0L;
        var frameIndex = 0;
        var whole = capture;
        while (reader.TryRead(ref capture, out var token))
        {
            // An over-long frame is reported where it ends: its token holds only the tail (the STX went by as noise) and
            // can be empty, so it counts by its error, not by its first byte (bench/fuzz astm-frames finding).
            if (token.Kind is AstmTokenKind.Frame or AstmTokenKind.Error
                && (token.Error == AstmFrameError.FrameTooLong || token.Raw.FirstSpan is [AstmControl.Stx, ..])) frameIndex++;
            switch (token.Kind)
            {
                case AstmTokenKind.Error:
                    throw new AstmCaptureException(token.ToException(), frameIndex, token.Error == AstmFrameError.BadChecksum
                        ? $"checksum mismatch: frame says {token.ChecksumReceived:X2}, bytes sum to {token.ChecksumComputed:X2}"
                        : token.DescribeError());
                case AstmTokenKind.Control when token.Control is AstmControl.Enq or AstmControl.Eot:
                    if (assembler.HasPartialMessage) onMessage(assembler.Text.Span, messageOffset, assembler.FrameCount, false);
                    frames?.Clear();
                    assembler.BeginTransmission();
                    break;
                case AstmTokenKind.Frame:
                    var expected = assembler.ExpectedFrameNumber;
                    var verdict = assembler.Offer(token);
                    if (verdict == AstmFrameVerdict.WrongFrameNumber)
                    {
                        var what = $"frame number {token.FrameNumber}, expected {expected}";
                        throw new AstmCaptureException(new AstmProtocolException(AstmFrameError.UnexpectedFrameNumber, token.Offset + 1, token.FrameNumber,
                            $"frame at byte {token.Offset}: {what}"), frameIndex, what);
                    }
                    if (verdict == AstmFrameVerdict.Duplicate) break;
                    if (assembler.FrameCount == 1) messageOffset = token.Offset;
                    if (frames is not null)
                    {
                        var textLength = (int)token.Text.Length;
                        var raw = token.Raw;
                        var bare = raw.Length < 2 || !EndsWithCrLf(raw);
                        frames.Add(new CapturedFrame(frameIndex, token.Offset, assembler.Text.Length - textLength, textLength, bare));
                    }
                    if (token.IsFinal && assembler.EndsWithTerminatorRecord())
                    {
                        onMessage(assembler.Text.Span, messageOffset, assembler.FrameCount, true);
                        assembler.EndMessage();
                        frames?.Clear();
                    }
                    break;
            }
        }
        if (!capture.IsEmpty)
        {
            var what = $"capture ends inside a frame that starts at byte {reader.Position} (truncated)";
            throw new AstmCaptureException(new AstmProtocolException(AstmFrameError.FrameInterrupted, reader.Position, null, what), frameIndex + 1, what);
        }
        if (assembler.HasPartialMessage) onMessage(assembler.Text.Span, messageOffset, assembler.FrameCount, false);
    }

    internal delegate void MessageCallback(ReadOnlySpan<byte> text, long offset, int frames, bool isComplete);

    private static bool EndsWithCrLf(in ReadOnlySequence<byte> raw)
    {
        Span<byte> tail = stackalloc byte[2];
        raw.Slice(raw.Length - 2).CopyTo(tail);
        return tail[0] == AstmControl.Cr && tail[1] == AstmControl.Lf;
    }
}

/// <summary>One frame of a captured message: its place in the file (Nth STX, byte offset) and in the message text.</summary>
internal readonly record struct CapturedFrame(int Index, long WireOffset, int TextStart, int TextLength, bool BareLineEnd);

/// <summary>A bad frame in a capture: the reader's error, the frame's count in the file (Nth STX) and what is wrong.</summary>
/// <remarks>Derives from <see cref="AstmProtocolException"/> so callers of the public <c>Decode</c> see the link's error.</remarks>
public sealed class AstmCaptureException(AstmProtocolException inner, int frameIndex, string what)
    : AstmProtocolException(inner.Error, inner.Offset, inner.FrameNumber, inner.Message)
{
    /// <summary>1-based count of STX frames in the capture up to the bad one.</summary>
    public int FrameIndex { get; } = frameIndex;

    /// <summary>What is wrong, without the location.</summary>
    public string What { get; } = what;
}
