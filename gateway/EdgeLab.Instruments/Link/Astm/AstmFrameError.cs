namespace EdgeLab.Instruments.Link.Astm;

/// <summary>Why a frame was rejected. Every one of them is answered with NAK (LIS01-A2 §6.3.4).</summary>
public enum AstmFrameError : byte
{
    None = 0,

    /// <summary>C1 C2 do not match the sum of the bytes from FN through ETB/ETX (LIS01-A2 §6.3.3).</summary>
    BadChecksum,

    /// <summary>C1 or C2 is not a hexadecimal digit (LIS01-A2 §6.3.3).</summary>
    InvalidChecksumDigits,

    /// <summary>The byte after STX is not a frame number '0'–'7' (LIS01-A2 §6.3.2).</summary>
    InvalidFrameNumber,

    /// <summary>The frame does not end in CR LF after the checksum (LIS01-A2 §6.3.1), and the profile does not tolerate a bare CR or LF.</summary>
    IllegalFrameEnd,

    /// <summary>More bytes than the profile's frame limit (247 for E1381-95, 64,000 for LIS01-A2, §6.3.1.1) before ETB/ETX.</summary>
    FrameTooLong,

    /// <summary>A restricted character (LIS01-A2 §6.3.1.2: SOH, ACK, DLE, NAK, SYN, LF, DC1–DC4) inside the frame text.</summary>
    RestrictedCharacter,

    /// <summary>STX, ENQ or EOT arrived before the frame ended: the sender gave up on it or restarted (LIS01-A2 §6.3.1).</summary>
    FrameInterrupted,

    /// <summary>Capture decoding only: a frame whose number is neither the next one nor a repeat of the last (LIS01-A2 §6.3.2).</summary>
    UnexpectedFrameNumber,
}

/// <summary>
/// A frame error raised where the caller asked for exceptions (capture decoding); the streaming reader reports the same
/// information as a token instead. Says what was wrong and where: byte offset in the stream and frame number when known.
/// </summary>
public class AstmProtocolException : Exception
{
    public AstmProtocolException(AstmFrameError error, long offset, int? frameNumber, string message)
        : base(message)
    {
        Error = error;
        Offset = offset;
        FrameNumber = frameNumber;
    }

    public AstmFrameError Error { get; }

    /// <summary>Offset of the offending byte from the start of the input.</summary>
    public long Offset { get; }

    /// <summary>The frame number digit of the frame concerned, when it was readable.</summary>
    public int? FrameNumber { get; }
}
