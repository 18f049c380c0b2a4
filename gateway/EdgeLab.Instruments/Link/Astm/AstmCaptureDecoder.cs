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
    internal static void Decode(ReadOnlySequence<byte> capture, int maxFrameSize, bool tolerateBareLineEnds, MessageCallback onMessage)
    {
        var reader = new AstmFrameReader(maxFrameSize, tolerateBareLineEnds);
        var assembler = new AstmMessageAssembler();
        var messageOffset = 0L;
        while (reader.TryRead(ref capture, out var token))
        {
            switch (token.Kind)
            {
                case AstmTokenKind.Error:
                    throw token.ToException();
                case AstmTokenKind.Control when token.Control is AstmControl.Enq or AstmControl.Eot:
                    if (assembler.HasPartialMessage) onMessage(assembler.Text.Span, messageOffset, assembler.FrameCount, false);
                    assembler.BeginTransmission();
                    break;
                case AstmTokenKind.Frame:
                    var expected = assembler.ExpectedFrameNumber;
                    var verdict = assembler.Offer(token);
                    if (verdict == AstmFrameVerdict.WrongFrameNumber)
                    {
                        throw new AstmProtocolException(AstmFrameError.UnexpectedFrameNumber, token.Offset + 1, token.FrameNumber,
                            $"frame at byte {token.Offset}: frame number {token.FrameNumber}, expected {expected}");
                    }
                    if (verdict == AstmFrameVerdict.Duplicate) break;
                    if (assembler.FrameCount == 1) messageOffset = token.Offset;
                    if (token.IsFinal && assembler.EndsWithTerminatorRecord())
                    {
                        onMessage(assembler.Text.Span, messageOffset, assembler.FrameCount, true);
                        assembler.EndMessage();
                    }
                    break;
            }
        }
        if (!capture.IsEmpty)
        {
            throw new AstmProtocolException(AstmFrameError.FrameInterrupted, reader.Position, null,
                $"capture ends inside a frame that starts at byte {reader.Position}");
        }
        if (assembler.HasPartialMessage) onMessage(assembler.Text.Span, messageOffset, assembler.FrameCount, false);
    }

    internal delegate void MessageCallback(ReadOnlySpan<byte> text, long offset, int frames, bool isComplete);
}
