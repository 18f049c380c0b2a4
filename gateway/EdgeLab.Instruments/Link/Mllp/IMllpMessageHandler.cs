namespace EdgeLab.Instruments.Link.Mllp;

/// <summary>
/// What the MLLP link hands up (HL7 v2.5 Appendix C): one message, block envelope included. The handler commits it
/// (or quarantines it) and returns the replies the link sends back, in order, unframed — the link sends them only
/// after the call returns, so nothing is acknowledged before it is kept (DESIGN.md guarantee 1).
/// </summary>
public interface IMllpMessageHandler
{
    /// <summary>Largest message accepted; larger blocks are skipped by the link and logged.</summary>
    int MaxMessageSize { get; }

    /// <param name="wire">The whole block: VT, the message, FS (and CR when sent).</param>
    /// <param name="payloadLength">Bytes of the message after VT.</param>
    /// <param name="firstByteAt">When the block's first byte arrived.</param>
    Task<IReadOnlyList<byte[]>> OnMessageAsync(byte[] wire, int payloadLength, DateTimeOffset firstByteAt, CancellationToken cancellationToken);
}
