using EdgeLab.Contract;
using EdgeLab.Gateway.LocalStatus;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Instruments.Transport;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Hosting;

/// <summary>
/// Turns the link runners' up/down reports into runtime state (status) and <c>link-up</c>/<c>link-down</c> events that
/// travel through the outbox like results, so the hub learns of an unplugged analyzer even after an uplink outage.
/// </summary>
internal sealed class LinkEventObserver(GatewayRuntime runtime, OutboxStore outbox, ILogger log) : ILinkStateObserver
{
    /// <summary>InstrumentLinkRunner's reason when the gateway itself stops the link: not a problem to show.</summary>

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _announcedUp = new(StringComparer.Ordinal);

    public void OnLinkUp(string instrumentId, string transportDescription)
    {
        GatewayLog.LinkUp(log, instrumentId, transportDescription);
        runtime.SetLink(instrumentId, "up");
        // An analyzer that connects once per message goes waiting → up → waiting for every message: only the first up
        // after start or after a link-down is worth an event; the status shows the rest.
        if (!_announcedUp.TryAdd(instrumentId, true)) return;
        Record(new GatewayEvent(EventTypes.LinkUp, instrumentId, runtime.Time.GetUtcNow(), $"link up: {transportDescription}"));
    }

    public void OnLinkDown(string instrumentId, LinkDownReason reason)
    {
        GatewayLog.LinkDown(log, instrumentId, reason.Detail);
        runtime.SetLink(instrumentId, "down");
        if (reason.Kind != LinkDownKind.GatewayStopping)
            runtime.Activity.Problem(instrumentId, new InstrumentProblem(ProblemClassifier.FromLinkDown(reason.Kind), runtime.Time.GetUtcNow(), reason.Detail));
        _announcedUp.TryRemove(instrumentId, out _);
        Record(new GatewayEvent(EventTypes.LinkDown, instrumentId, runtime.Time.GetUtcNow(), reason.Detail));
    }

    public void OnLinkWaiting(string instrumentId, string transportDescription)
    {
        // A listening TCP server with no connection: idle, not down (issue 10 item 8). Status only, no event.
        runtime.SetLink(instrumentId, "waiting");
    }

    private void Record(GatewayEvent e)
    {
        // The runner calls us synchronously; the event commits in the background and a full store simply drops it
        // (the status still shows the link state).
        _ = RecordAsync(e);
    }

    private async Task RecordAsync(GatewayEvent e)
    {
        try
        {
            await outbox.AddEventAsync(e).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // Shutting down.
        }
    }
}
