namespace EdgeLab.Instruments.Link.Astm;

public enum AstmSendStatus : byte
{
    /// <summary>Every frame was acknowledged (the last one possibly by a receiver interrupt, which counts as ACK).</summary>
    Sent,

    /// <summary>A frame was rejected six times (LIS01-A2 §6.3.4.2); the receiver discards the partial message.</summary>
    TooManyRejections,

    /// <summary>No reply to a frame within 15 s (LIS01-A2 §6.5.2.1); we ended with EOT.</summary>
    ReplyTimeout,

    /// <summary>The receiver kept answering ENQ with NAK or not at all; the line was never ours.</summary>
    ReceiverBusy,

    /// <summary>The connection ended first.</summary>
    ConnectionClosed,
}

/// <summary>How sending one message ended.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Attempts">ENQ bids made (several after NAK, contention or a receiver interrupt).</param>
public sealed record AstmSendResult(AstmSendStatus Status, int Attempts)
{
    public bool Succeeded => Status == AstmSendStatus.Sent;
}
