namespace EdgeLab.Instruments.Transport;

/// <summary>
/// A protocol that runs over one open connection (ASTM E1381 link, MLLP) until the stream ends or the token is
/// cancelled. A session never throws for bad input from the instrument: it NAKs, quarantines and carries on.
/// </summary>
public interface IInstrumentProtocolSession
{
    Task RunAsync(Stream connection, CancellationToken cancellationToken);
}

/// <summary>Told when an instrument's link comes up or goes down (becomes <c>link-up</c>/<c>link-down</c> events and status).</summary>
public interface ILinkStateObserver
{
    void OnLinkUp(string instrumentId, string transportDescription);
    void OnLinkDown(string instrumentId, LinkDownReason reason);

    /// <summary>
    /// A listening transport (TCP server) has no connection right now and waits for the analyzer to dial in: idle,
    /// not down. Status only; analyzers that connect once per message pass through this state between messages.
    /// </summary>
    void OnLinkWaiting(string instrumentId, string transportDescription)
    {
    }
}
