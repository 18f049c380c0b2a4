using EdgeLab.Instruments.Outbound;

namespace EdgeLab.Instruments.Tests.HostQueryAnswers;

/// <summary>An outbox that remembers what it was given and answers with a chosen outcome.</summary>
internal sealed class RecordingSink : IInstrumentMessageSink
{
    public List<ReceivedMessage> Committed { get; } = [];
    public CommitOutcome Outcome { get; set; } = CommitOutcome.Committed;

    public ValueTask<CommitOutcome> CommitAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        if (Outcome == CommitOutcome.Committed)
            Committed.Add(message);
        return ValueTask.FromResult(Outcome);
    }
}
