namespace EdgeLab.Instruments.Link.Mllp;

/// <summary>Why an MLLP exchange failed.</summary>
public enum MllpErrorKind
{
    /// <summary>No reply block arrived within the timeout.</summary>
    Timeout,
    /// <summary>The peer closed the connection before a reply block arrived.</summary>
    ConnectionClosed,
    /// <summary>The reply block was longer than the limit.</summary>
    ReplyTooLarge,
}

/// <summary>The only exception the MLLP client throws for the peer's behaviour.</summary>
public sealed class MllpException(MllpErrorKind kind, string message, long streamOffset) : Exception($"{kind}: {message} (stream offset {streamOffset})")
{
    public MllpErrorKind Kind { get; } = kind;

    /// <summary>Offset in the received byte stream where the problem was noticed.</summary>
    public long StreamOffset { get; } = streamOffset;
}
