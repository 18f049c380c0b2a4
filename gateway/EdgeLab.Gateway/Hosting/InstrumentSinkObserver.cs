using EdgeLab.Gateway.LocalStatus;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Instruments.Outbound;

namespace EdgeLab.Gateway.Hosting;

/// <summary>The outbox as each pipeline sees it: commits, and notes the instrument's last message time for the status.</summary>
internal sealed class InstrumentSinkObserver(OutboxStore outbox, GatewayRuntime runtime) : IInstrumentMessageSink
{
    public async ValueTask<CommitOutcome> CommitAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        var outcome = await outbox.CommitAsync(message, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case CommitOutcome.Committed:
                runtime.MessageReceived(message.InstrumentId, message.ReceivedAt);
                runtime.Activity.MessageCommitted(message.InstrumentId, message.ReceivedAt, KindOf(message));
                break;
            case CommitOutcome.StoreFull:
                runtime.Activity.Problem(message.InstrumentId, new InstrumentProblem(ProblemKind.StoreFull, runtime.Time.GetUtcNow(), "outbox limit reached; the analyzer was refused (NAK)"));
                break;
            case CommitOutcome.Failed:
                runtime.Activity.Problem(message.InstrumentId, new InstrumentProblem(ProblemKind.StoreFailed, runtime.Time.GetUtcNow(), "the store could not write; the analyzer was refused (NAK)"));
                break;
        }
        return outcome;
    }

    private static MessageKind KindOf(ReceivedMessage message) => message.Decoded?.Kind switch
    {
        null => MessageKind.Unreadable,
        "qc" => MessageKind.QualityControl,
        "calibration" => MessageKind.Calibration,
        _ => MessageKind.Result,
    };
}
