namespace EdgeLab.Instruments.Outbound;

/// <summary>
/// Where the link layers hand complete messages. The gateway's durable outbox implements it.
/// </summary>
/// <remarks>
/// The link layer calls <see cref="CommitAsync"/> BEFORE it ACKs the last frame (ASTM) or sends the HL7 ACK, and
/// acknowledges only on <see cref="CommitOutcome.Committed"/> (DESIGN.md guarantee 1). On
/// <see cref="CommitOutcome.StoreFull"/> it refuses (NAK / HL7 AE), so the analyzer keeps the data and retries.
/// Calls for one instrument never overlap, so order per instrument is the call order.
/// </remarks>
public interface IInstrumentMessageSink
{
    ValueTask<CommitOutcome> CommitAsync(ReceivedMessage message, CancellationToken cancellationToken);
}

public enum CommitOutcome
{
    /// <summary>On disk (fsynced); acknowledge.</summary>
    Committed,
    /// <summary>The store reached its limit; refuse so the analyzer keeps the message.</summary>
    StoreFull,
    /// <summary>The store failed (I/O error); refuse.</summary>
    Failed,
}
