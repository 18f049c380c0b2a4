using EdgeLab.Gateway.Outbox;
using EdgeLab.Instruments.Outbound;

namespace EdgeLab.Gateway.Hosting;

/// <summary>The outbox as each pipeline sees it: commits, and notes the instrument's last message time for the status.</summary>
internal sealed class InstrumentSinkObserver(OutboxStore outbox, GatewayRuntime runtime) : IInstrumentMessageSink
{
    public async ValueTask<CommitOutcome> CommitAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        var outcome = await outbox.CommitAsync(message, cancellationToken).ConfigureAwait(false);
        if (outcome == CommitOutcome.Committed) runtime.MessageReceived(message.InstrumentId, message.ReceivedAt);
        return outcome;
    }
}
