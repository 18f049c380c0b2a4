namespace EdgeLab.Instruments.Link.Astm;

/// <summary>
/// What the ASTM link layer (E1381 / LIS01-A2) hands up: one complete LIS02-A2 message, i.e. the text of the frames
/// from the H record through the L record, frame envelopes removed (STX, frame number, ETB/ETX, checksum, CR LF) and
/// intermediate (ETB) frames joined, records separated by CR as sent.
/// </summary>
/// <remarks>
/// The link layer calls <see cref="OnMessageAsync"/> when the frame that completes the L record arrives and ACKs that
/// frame only if the outcome says <see cref="AstmMessageOutcome.Accepted"/> (DESIGN.md guarantee 1: commit before ACK).
/// A reply (host query answer) is sent by the link layer once the instrument has released the line with EOT.
/// </remarks>
public interface IAstmMessageHandler
{
    ValueTask<AstmMessageOutcome> OnMessageAsync(AstmReceivedMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// The instrument ended the transmission (EOT, interrupt or timeout) while a message was incomplete. The partial
    /// transcript is given so it can be kept for audit; it is not acknowledged, so the instrument sends it again.
    /// </summary>
    ValueTask OnIncompleteMessageAsync(AstmReceivedMessage partial, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Asked when the instrument bids for the line (ENQ). False answers NAK, "not ready" (LIS01-A2 §6.2.4): e.g. the
    /// store reached its limit. The instrument keeps its data and bids again after at least 10 s. Default: ready.
    /// </summary>
    bool IsReadyToReceive() => true;
}

/// <param name="Text">Record text, frames joined (see <see cref="IAstmMessageHandler"/>).</param>
/// <param name="Transcript">The raw bytes exchanged for this message (both directions), with times.</param>
/// <param name="FirstFrameAt">Arrival of the first frame.</param>
/// <param name="LastFrameAt">Arrival of the frame that completed the message.</param>
public sealed record AstmReceivedMessage(
    ReadOnlyMemory<byte> Text,
    Outbound.Transcript Transcript,
    DateTimeOffset FirstFrameAt,
    DateTimeOffset LastFrameAt);

/// <param name="Accepted">True: committed, ACK the last frame. False: NAK it (store full or failed), the instrument retries.</param>
/// <param name="Reply">Records (without CR) to send back as the host once the line is free, e.g. a host query answer H…L.</param>
public sealed record AstmMessageOutcome(bool Accepted, IReadOnlyList<string>? Reply = null)
{
    public static AstmMessageOutcome Ack { get; } = new(true);
    public static AstmMessageOutcome Refuse { get; } = new(false);
}
