namespace EdgeLab.Hub.Ingest;

/// <summary>Ingest tuning: batch size, payload limit, where to write the timing trace.</summary>
internal sealed record IngestOptions
{
    /// <summary>Most messages per transaction. Under load batches fill by themselves; idle, a message is written alone at once.</summary>
    public int MaxBatchMessages { get; init; } = 512;
    public int MaxPayloadBytes { get; init; } = PayloadTriage.DefaultMaxPayloadBytes;
    /// <summary>
    /// How far ahead of the hub's clock a result's time may be (analyzer clocks drift, time zones get misconfigured);
    /// a result further ahead is held as <c>FutureDated</c> instead of becoming current until that date.
    /// </summary>
    public TimeSpan MaxFutureSkew { get; init; } = DefaultMaxFutureSkew;

    /// <summary>When a tube received by scan must have its results (issue 15 §1: overdue results).</summary>
    public Store.TransferDeadlines Transfers { get; init; } = Store.TransferDeadlines.Default;

    public static readonly TimeSpan DefaultMaxFutureSkew = TimeSpan.FromHours(24);
    /// <summary>Bound of the queue between the MQTT handler and the writer (back-pressure on the broker beyond it).</summary>
    public int QueueCapacity { get; init; } = 8192;
    /// <summary>
    /// Where writers take turns (SQLite), the time a routine batch should take while STAT traffic is about: a STAT waits
    /// for the write turn at most about this long (issue 10). Batches are sized from the measured time per message.
    /// </summary>
    public TimeSpan RoutineBatchBudget { get; init; } = TimeSpan.FromMilliseconds(15);
    /// <summary>How long after the last STAT message routine batches stay cut to <see cref="RoutineBatchBudget"/>.</summary>
    public TimeSpan StatTrafficWindow { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>JSON lines <c>{"event":"stored","messageId":…,"at":…}</c> per stored result message; null = off.</summary>
    public string? TraceFile { get; init; }
}
