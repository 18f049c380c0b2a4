using System.Buffers;

namespace EdgeLab.Instruments.Link.Astm;

internal enum AstmTokenKind : byte
{
    /// <summary>A link control character outside a frame: ENQ, EOT, ACK or NAK.</summary>
    Control,

    /// <summary>A well-formed frame whose checksum verified.</summary>
    Frame,

    /// <summary>A rejected frame (see <see cref="AstmToken.Error"/>); the receiver NAKs it.</summary>
    Error,

    /// <summary>Bytes outside any frame that mean nothing to the link (e.g. a stray LF after a CR-only frame end).</summary>
    Noise,
}

/// <summary>
/// One thing <see cref="AstmFrameReader"/> found. <see cref="Raw"/> and <see cref="Text"/> are slices of the caller's
/// buffer: valid until the caller advances past them.
/// </summary>
internal readonly struct AstmToken
{
    private AstmToken(AstmTokenKind kind, long offset, ReadOnlySequence<byte> raw)
    {
        Kind = kind;
        Offset = offset;
        Raw = raw;
    }

    public AstmTokenKind Kind { get; private init; }

    /// <summary>Offset of the token's first byte from the start of the stream.</summary>
    public long Offset { get; private init; }

    /// <summary>Every byte of the token as received (for the transcript).</summary>
    public ReadOnlySequence<byte> Raw { get; private init; }

    /// <summary>The control character, for <see cref="AstmTokenKind.Control"/>.</summary>
    public byte Control { get; private init; }

    /// <summary>Frame number 0–7, for frames; for errors, when the frame number was readable (else -1).</summary>
    public int FrameNumber { get; private init; }

    /// <summary>True when the frame ended with ETX (last frame of a record), false for ETB (intermediate frame).</summary>
    public bool IsFinal { get; private init; }

    /// <summary>The frame text between the frame number and ETB/ETX.</summary>
    public ReadOnlySequence<byte> Text { get; private init; }

    /// <summary>Frame number through ETB/ETX: the bytes the checksum covers, and what a repeated frame must equal.</summary>
    public ReadOnlySequence<byte> Body { get; private init; }

    public AstmFrameError Error { get; private init; }

    /// <summary>Offset of the byte where the error was found.</summary>
    public long ErrorOffset { get; private init; }

    /// <summary>For <see cref="AstmFrameError.BadChecksum"/>: what the frame said and what the bytes sum to.</summary>
    public byte ChecksumReceived { get; private init; }
    public byte ChecksumComputed { get; private init; }

    /// <summary>For errors about a single byte: that byte.</summary>
    public byte OffendingByte { get; private init; }

    public static AstmToken ForControl(long offset, ReadOnlySequence<byte> raw, byte control) =>
        new(AstmTokenKind.Control, offset, raw) { Control = control, FrameNumber = -1 };

    public static AstmToken ForNoise(long offset, ReadOnlySequence<byte> raw) =>
        new(AstmTokenKind.Noise, offset, raw) { FrameNumber = -1 };

    public static AstmToken ForFrame(long offset, ReadOnlySequence<byte> raw, int frameNumber, bool isFinal, ReadOnlySequence<byte> body) =>
        new(AstmTokenKind.Frame, offset, raw)
        {
            FrameNumber = frameNumber,
            IsFinal = isFinal,
            Body = body,
            Text = body.Slice(1, body.Length - 2),
        };

    public static AstmToken ForError(
        long offset, ReadOnlySequence<byte> raw, int frameNumber, AstmFrameError error, long errorOffset,
        byte offendingByte = 0, byte checksumReceived = 0, byte checksumComputed = 0) =>
        new(AstmTokenKind.Error, offset, raw)
        {
            FrameNumber = frameNumber,
            Error = error,
            ErrorOffset = errorOffset,
            OffendingByte = offendingByte,
            ChecksumReceived = checksumReceived,
            ChecksumComputed = checksumComputed,
        };

    /// <summary>What was wrong and where, for logs and error events (allocates; call only for errors).</summary>
    public string DescribeError()
    {
        var frame = FrameNumber >= 0 ? $"frame {FrameNumber} " : "frame ";
        return Error switch
        {
            AstmFrameError.BadChecksum =>
                $"{frame}at byte {Offset}: checksum {ChecksumReceived:X2} received, {ChecksumComputed:X2} computed (byte {ErrorOffset})",
            AstmFrameError.InvalidChecksumDigits =>
                $"{frame}at byte {Offset}: checksum digit {AstmControl.Name(OffendingByte)} at byte {ErrorOffset} is not hexadecimal",
            AstmFrameError.InvalidFrameNumber =>
                $"frame at byte {Offset}: frame number {AstmControl.Name(OffendingByte)} at byte {ErrorOffset} is not 0-7",
            AstmFrameError.IllegalFrameEnd =>
                $"{frame}at byte {Offset}: {AstmControl.Name(OffendingByte)} at byte {ErrorOffset} where CR LF must end the frame",
            AstmFrameError.FrameTooLong =>
                $"{frame}at byte {Offset}: no ETB/ETX within the frame size limit (byte {ErrorOffset})",
            AstmFrameError.RestrictedCharacter =>
                $"{frame}at byte {Offset}: restricted character {AstmControl.Name(OffendingByte)} in the text at byte {ErrorOffset}",
            AstmFrameError.FrameInterrupted =>
                $"{frame}at byte {Offset}: cut short by {AstmControl.Name(OffendingByte)} at byte {ErrorOffset}",
            _ => $"{frame}at byte {Offset}: no error",
        };
    }

    public AstmProtocolException ToException() =>
        new(Error, ErrorOffset, FrameNumber >= 0 ? FrameNumber : null, DescribeError());
}
