using System.Threading.Channels;
using EdgeLab.Contract;
using EdgeLab.Hub.Linking;

namespace EdgeLab.Hub.Ingest;

/// <summary>Which writer commits a message: STAT in small transactions of its own, or routine in large batches.</summary>
internal enum IngestLane
{
    Stat,
    Routine,
}

/// <summary>
/// The two queues between the MQTT handlers and the writers (issue 10), and the rule that keeps DESIGN.md guarantee 3
/// ("a corrected result never lands before the original") across them. Each lane is FIFO and has one writer, so order
/// holds within a lane; across lanes it holds because a result whose order key (gateway, instrument, specimen — the
/// gateway's own order key) still has an uncommitted message in one lane goes into that same lane, whatever its own
/// priority. So a STAT correction whose routine original is still queued waits for it, and a routine correction of a
/// STAT result still queued rides the STAT lane behind it. The choice and the enqueue happen under one lock, because
/// the main and the STAT MQTT sessions deliver concurrently.
/// </summary>
internal sealed class IngestLanes
{
    private readonly Channel<IngestEnvelope> _stat;
    private readonly Channel<IngestEnvelope> _routine;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (IngestLane Lane, int Count)> _pending = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _lastStatTicks = long.MinValue;

    public IngestLanes(int capacity, TimeProvider time)
    {
        _time = time;
        _stat = Channel.CreateBounded<IngestEnvelope>(new BoundedChannelOptions(capacity) { SingleReader = true });
        _routine = Channel.CreateBounded<IngestEnvelope>(new BoundedChannelOptions(capacity) { SingleReader = true });
    }

    public ChannelReader<IngestEnvelope> Reader(IngestLane lane) => lane == IngestLane.Stat ? _stat.Reader : _routine.Reader;

    /// <summary>When a STAT message was last queued (routine batches stay short around STAT traffic where writers take turns).</summary>
    public bool StatSeenWithin(TimeSpan window)
    {
        var last = Interlocked.Read(ref _lastStatTicks);
        return last != long.MinValue && _time.GetUtcNow().UtcTicks - last <= window.Ticks;
    }

    /// <summary>
    /// The lane a message asks for: STAT when it came on <c>…/results/stat</c>, or on <c>…/results</c> from a gateway
    /// that predates that topic but marked it <c>priority: stat</c>; everything else routine.
    /// </summary>
    public static IngestLane Requested(IngestEnvelope e) =>
        e.Kind == EnvelopeKind.Result && (e.Result?.Priority == "stat" || e.Topic.EndsWith("/" + Topics.StatResultsLeaf, StringComparison.Ordinal))
            ? IngestLane.Stat
            : IngestLane.Routine;

    /// <summary>The gateway's order key (instrument + specimen) qualified by gateway; null for what has no order to keep.</summary>
    public static string? OrderKey(IngestEnvelope e) =>
        e.Kind == EnvelopeKind.Result && e.Result is { } r ? $"{e.GatewayId}\n{r.InstrumentId}\n{r.SpecimenId}" : null;

    /// <summary>Queues a message in its lane (or behind its key's uncommitted messages); waits while that lane is full.</summary>
    public async ValueTask<IngestLane> EnqueueAsync(IngestEnvelope e, CancellationToken ct = default)
    {
        var requested = Requested(e);
        if (requested == IngestLane.Stat) Interlocked.Exchange(ref _lastStatTicks, _time.GetUtcNow().UtcTicks);
        var key = OrderKey(e);
        while (true)
        {
            IngestLane lane;
            lock (_gate)
            {
                lane = key is not null && _pending.TryGetValue(key, out var p) ? p.Lane : requested;
                if ((lane == IngestLane.Stat ? _stat : _routine).Writer.TryWrite(e))
                {
                    if (key is not null) _pending[key] = (lane, (_pending.TryGetValue(key, out var q) ? q.Count : 0) + 1);
                    return lane;
                }
            }
            // Full: back-pressure on this session (its PUBACKs wait), then decide again — the key may have committed.
            if (!await (lane == IngestLane.Stat ? _stat : _routine).Writer.WaitToWriteAsync(ct).ConfigureAwait(false))
                throw new ChannelClosedException();
        }
    }

    /// <summary>The writer is done with these (committed or quarantined): their keys may now go to any lane.</summary>
    public void Done(IEnumerable<IngestEnvelope> batch)
    {
        lock (_gate)
        {
            foreach (var e in batch)
            {
                if (OrderKey(e) is not { } key || !_pending.TryGetValue(key, out var p)) continue;
                if (p.Count <= 1) _pending.Remove(key);
                else _pending[key] = (p.Lane, p.Count - 1);
            }
        }
    }

    /// <summary>Messages waiting in a lane (for tests and metrics).</summary>
    public int Queued(IngestLane lane) => Reader(lane).Count;

    /// <summary>Keys with uncommitted messages (for tests).</summary>
    public int PendingKeys
    {
        get
        {
            lock (_gate) return _pending.Count;
        }
    }
}
