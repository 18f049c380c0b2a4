using EdgeLab.Instruments.Outbound;

namespace EdgeLab.Gateway.Outbox;

/// <summary>One unit of work for the single outbox writer; several go into one transaction (group commit).</summary>
internal sealed class OutboxWriteRequest
{
    private OutboxWriteRequest(ReceivedMessage? message, GatewayEvent? gatewayEvent, IReadOnlyList<long>? acks, DateTimeOffset? purgeBefore)
    {
        Message = message;
        Event = gatewayEvent;
        Acks = acks;
        PurgeBefore = purgeBefore;
    }

    public ReceivedMessage? Message { get; }
    public GatewayEvent? Event { get; }
    public IReadOnlyList<long>? Acks { get; }
    public DateTimeOffset? PurgeBefore { get; }

    /// <summary>Completed after the transaction holding this request is durable (or failed).</summary>
    public TaskCompletionSource<OutboxWriteResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static OutboxWriteRequest ForMessage(ReceivedMessage message) => new(message, null, null, null);
    public static OutboxWriteRequest ForEvent(GatewayEvent e) => new(null, e, null, null);
    public static OutboxWriteRequest ForAcks(IReadOnlyList<long> sequences) => new(null, null, sequences, null);
    public static OutboxWriteRequest ForPurge(DateTimeOffset ackedBefore) => new(null, null, null, ackedBefore);
}

/// <param name="Sequence">The outbox sequence given to a message or event; for acks, how many rows were removed; for a purge, how many transcripts.</param>
internal readonly record struct OutboxWriteResult(CommitOutcome Outcome, long Sequence);
