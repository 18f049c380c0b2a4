using System.Collections.Concurrent;
using System.Threading.Channels;
using EdgeLab.Contract;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Uplink;

/// <summary>
/// Moves outbox rows to the broker at QoS 1 and forgets them only on the hub's end-to-end ack (DESIGN.md guarantee 1).
/// </summary>
/// <remarks>
/// <para>Two lanes share one window of <see cref="UplinkOptions.MaxInFlight"/> hub-unacknowledged messages:</para>
/// <list type="bullet">
/// <item>The <b>backlog lane</b> is a cursor over the outbox in sequence order (a batch of rows read ahead at a time).
/// After hours offline it drains the backlog as fast as the broker's Receive Maximum and the hub's acks allow.</item>
/// <item>The <b>live lane</b> takes rows as they commit (<see cref="OutboxStore.Committed"/>) and publishes them ahead of
/// the backlog, so a result finished now reaches the clinician within a second even while 100,000 older ones drain.</item>
/// <item>The <b>STAT lane</b> goes before both: STAT rows (<see cref="OutboxPriority.Stat"/>, found by the
/// <c>(priority, seq)</c> index after a reconnect or when the live lane overflowed, or taken from the live lane) are
/// published first and are held back only by the broker's Receive Maximum, not by the hub-ack window.</item>
/// </list>
/// <para>Order (guarantee 3) is kept per order key = instrument + specimen, which is what "a correction never lands before
/// the original" needs: a live row goes ahead only if no older row with its key is still unpublished; otherwise it waits
/// for the cursor. Within a key, rows are published in sequence order on one MQTT connection, which the broker delivers
/// in order [MQTT-4.6.0-5]. A STAT row keeps this too: the older unpublished rows with its key go just before it.
/// Across keys there is no order to keep; every message carries its own id and the hub dedupes.</para>
/// <para>Topics (issue 10): STAT results go on <c>…/results/stat</c>, which the hub reads on a session of its own, so a
/// STAT does not queue at the broker behind the routine backlog in flight to the hub; the older rows a STAT takes ahead
/// go there with it. Two topics are two queues, so a row whose key still has a row in flight (not yet acked by the hub)
/// goes on that row's topic whatever its priority: a key's messages are never split across topics while in flight.</para>
/// <para>Resends: a row not acked within <see cref="UplinkOptions.AckTimeout"/> is published again; after a reconnect
/// every row the broker PUBACKed but the hub did not ack is published again (a broker crash loses PUBACKed messages);
/// a publish that failed with <see cref="MqttSessionLostException"/> is published again as new. The hub dedupes by
/// message id. All state is owned by the single loop in <see cref="RunAsync"/>; other threads only post signals.</para>
/// </remarks>
internal sealed class OutboxDispatcher : IDisposable
{
    private readonly OutboxStore _store;
    private readonly IMqttClient _client;
    private readonly UplinkOptions _options;
    private readonly TimeProvider _time;
    private readonly PipelineTrace _trace;
    private readonly ILogger _log;
    private readonly string _resultsTopic;
    private readonly string _eventsTopic;
    private readonly string _statTopic;
    private readonly IReadOnlyList<MqttUserProperty> _noProperties = [];

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentQueue<IReadOnlyList<long>> _hubAcks = new();
    private readonly ConcurrentQueue<PubAckOutcome> _pubAcks = new();
    private readonly ConcurrentQueue<long> _resendFrom = new();
    private readonly ITimer _resendTimer;
    private MqttConnectedInfo? _pendingConnect;
    private volatile bool _disconnected;

    // Owned by the loop.
    private readonly SortedDictionary<long, InFlightMessage> _inFlight = [];
    private readonly Queue<OutboxRow> _backlog = new();
    private readonly List<OutboxRow> _live = [];
    private long _cursor;
    private bool _connected;
    private DateTimeOffset _nextStatScan = DateTimeOffset.MinValue;
    private readonly HashSet<long> _publishedAhead = [];
    private readonly Dictionary<string, (string Topic, int Count)> _inFlightKeys = new(StringComparer.Ordinal);
    private static readonly TimeSpan StatScanInterval = TimeSpan.FromMilliseconds(250);
    private int _awaitingPubAck;
    private int _pubAckWindow = 20;
    private int _inFlightCount;
    private long _turns;

    public OutboxDispatcher(OutboxStore store, IMqttClient client, UplinkOptions options, TimeProvider time, PipelineTrace trace, ILogger log)
    {
        _store = store;
        _client = client;
        _options = options;
        _time = time;
        _trace = trace;
        _log = log;
        _resultsTopic = Topics.Results(options.GatewayId);
        _eventsTopic = Topics.Events(options.GatewayId);
        _statTopic = Topics.StatResults(options.GatewayId);
        _cursor = store.Reader.FirstPendingSequence() ?? store.LastCommittedSequence + 1;
        var tick = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(250).Ticks, options.AckTimeout.Ticks / 4));
        _resendTimer = time.CreateTimer(_ => Wake(), null, tick, tick);
    }

    /// <summary>Published, not yet acknowledged by the hub.</summary>
    public int InFlightCount => Volatile.Read(ref _inFlightCount);

    /// <summary>Turns of the loop so far: it turns on a signal, a commit while online, or the resend tick, never idly.</summary>
    public long Turns => Interlocked.Read(ref _turns);

    public void OnConnected(MqttConnectedInfo info)
    {
        Volatile.Write(ref _pendingConnect, info);
        _disconnected = false;
        Wake();
    }

    public void OnDisconnected()
    {
        _disconnected = true;
        Wake();
    }

    /// <summary>The hub committed these sequences (their rows are already deleted from the outbox).</summary>
    public void OnHubAck(IReadOnlyList<long> sequences)
    {
        _hubAcks.Enqueue(sequences);
        Wake();
    }

    /// <summary>The hub's <c>resend</c> command: publish again everything unacknowledged from this sequence on.</summary>
    public void ResendFrom(long sequence)
    {
        _resendFrom.Enqueue(sequence);
        Wake();
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Task<bool>? wake = null;
        Task<bool>? committed = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _turns);
            ProcessSignals();
            if (_connected) Fill();
            Volatile.Write(ref _inFlightCount, _inFlight.Count);
            // One outstanding wait per channel, kept across turns: a fresh WaitToReadAsync each turn leaves the losing
            // one registered until that channel is written, and a loop turning fast piles them up (issue 3: 1 GB).
            if (wake is null || wake.IsCompleted) wake = _wake.Reader.WaitToReadAsync(cancellationToken).AsTask();
            // Offline, a committed row has nowhere to go: it waits in the bounded channel (the backlog cursor finds it
            // anyway) and only a signal (connected, timer) is worth waking for. Waiting on the channel then would return
            // at once, every turn, and spin a core for as long as the broker is away.
            if (_connected && _live.Count < 256 && !wake.IsCompleted)
            {
                if (committed is null || committed.IsCompleted) committed = _store.Committed.WaitToReadAsync(cancellationToken).AsTask();
                await Task.WhenAny(wake, committed).ConfigureAwait(false);
            }
            else
            {
                await wake.ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();
            _wake.Reader.TryRead(out _);
        }
    }

    private void ProcessSignals()
    {
        if (Interlocked.Exchange(ref _pendingConnect, null) is { } info)
        {
            _connected = true;
            _pubAckWindow = Math.Clamp((int)info.ServerReceiveMaximum, 1, 1000);
            _nextStatScan = DateTimeOffset.MinValue; // STAT rows that waited offline go first

            // PUBACKed is not stored: a broker that crashed and restarted from its snapshot has forgotten them.
            var again = 0;
            foreach (var f in _inFlight.Values)
                if (!f.AwaitingPubAck && !f.NeedsResend)
                {
                    f.NeedsResend = true;
                    again++;
                }
            if (again > 0) GatewayLog.Resending(_log, again, "reconnected");
        }
        if (_disconnected) _connected = false;
        var now = _time.GetUtcNow();
        while (_hubAcks.TryDequeue(out var acks))
        {
            foreach (var seq in acks)
            {
                if (_inFlight.Remove(seq, out var f))
                {
                    if (f.AwaitingPubAck) _awaitingPubAck--;
                    Untrack(f);
                    _trace.Write(PipelineTrace.Acked, seq, f.Row.InstrumentId, now);
                }
            }
        }
        while (_pubAcks.TryDequeue(out var p))
        {
            if (!_inFlight.TryGetValue(p.Sequence, out var f) || !f.AwaitingPubAck) continue;
            f.AwaitingPubAck = false;
            _awaitingPubAck--;
            if (p.Outcome is { IsSuccess: true })
            {
                if (!f.PubAcked) _trace.Write(PipelineTrace.Published, p.Sequence, f.Row.InstrumentId, now);
                f.PubAcked = true;
            }
            else
            {
                // Refused (e.g. 0x87 by ACL, 0x97 quota) or lost with the session: keep it and try again later.
                f.NeedsResend = p.Error is MqttSessionLostException || p.Error is not null && !_connected;
                if (!f.NeedsResend) f.SentAt = now; // a refusal waits the ack timeout, not a tight loop
                GatewayLog.PublishRefused(_log, p.Sequence, p.Outcome?.ReasonCode.ToString() ?? p.Error?.GetType().Name ?? "unknown");
            }
        }
        while (_resendFrom.TryDequeue(out var from))
        {
            foreach (var f in _inFlight.Values)
                if (f.Row.Sequence >= from && !f.AwaitingPubAck) f.NeedsResend = true;
            if (from < _cursor)
            {
                _cursor = Math.Max(1, from);
                _backlog.Clear();
            }
        }
    }

    private void Fill()
    {
        var now = _time.GetUtcNow();
        PublishStat(now);
        ResendDue(now);
        PublishLive(now);
        PublishBacklog(now);
    }

    /// <summary>STAT rows waiting in the outbox (offline, or beyond the live lane) go before everything else.</summary>
    private void PublishStat(DateTimeOffset now)
    {
        if (now < _nextStatScan) return;
        _nextStatScan = now + StatScanInterval;
        foreach (var row in _store.Reader.ReadPendingStat(64))
        {
            if (_inFlight.ContainsKey(row.Sequence)) continue;
            if (!PublishStatRow(row, now))
            {
                _nextStatScan = DateTimeOffset.MinValue; // the broker's window is full: look again on the next turn
                return;
            }
        }
    }

    /// <summary>Publishes a STAT row, preceded by the older unpublished rows with its key; false when the window is full.</summary>
    private bool PublishStatRow(OutboxRow row, DateTimeOffset now)
    {
        foreach (var older in _store.Reader.ReadPendingWithKey(row.OrderKey, row.Sequence))
        {
            if (_inFlight.ContainsKey(older.Sequence)) continue;
            if (_awaitingPubAck >= _pubAckWindow) return false;
            PublishAhead(older, now, stat: true);
        }
        if (_awaitingPubAck >= _pubAckWindow) return false;
        PublishAhead(row, now, stat: true);
        return true;
    }

    private void PublishAhead(OutboxRow row, DateTimeOffset now, bool stat)
    {
        // The backlog cursor may still meet this row (read before it was acked): remember it so it is not sent twice.
        if (_publishedAhead.Count > 10_000) _publishedAhead.Clear();
        _publishedAhead.Add(row.Sequence);
        Publish(Track(row, stat), now);
    }

    private void ResendDue(DateTimeOffset now)
    {
        var count = 0;
        foreach (var f in _inFlight.Values)
        {
            if (_awaitingPubAck >= _pubAckWindow) break;
            if (f.AwaitingPubAck) continue;
            if (f.NeedsResend || now - f.SentAt >= _options.AckTimeout)
            {
                Publish(f, now);
                count++;
            }
        }
        if (count > 0) GatewayLog.Resending(_log, count, "not acknowledged by the hub in time or lost with the broker");
    }

    private void PublishLive(DateTimeOffset now)
    {
        while (_live.Count < 1024 && _store.Committed.TryRead(out var row)) _live.Add(row);
        // STAT first, outside the hub-ack window (only the broker's Receive Maximum holds it), then the rest.
        for (var i = 0; i < _live.Count; i++)
        {
            var row = _live[i];
            if (!row.IsStat || Stale(row)) continue;
            if (!PublishStatRow(row, now)) break;
            _live.RemoveAt(i--);
        }
        for (var i = 0; i < _live.Count; i++)
        {
            if (_awaitingPubAck >= _pubAckWindow || _inFlight.Count >= _options.MaxInFlight) return;
            var row = _live[i];
            if (Stale(row))
            {
                _live.RemoveAt(i--);
                continue;
            }
            if (row.IsStat || !MayOvertake(row)) continue;
            _live.RemoveAt(i--);
            Publish(Track(row), now);
        }
    }

    /// <summary>Already behind the cursor, in flight, or sent ahead by the STAT lane: nothing left to do for it.</summary>
    private bool Stale(OutboxRow row) =>
        row.Sequence < _cursor || _inFlight.ContainsKey(row.Sequence) || _publishedAhead.Contains(row.Sequence);

    /// <summary>True when no older row with the same order key is still waiting to be published.</summary>
    private bool MayOvertake(OutboxRow row)
    {
        foreach (var b in _backlog)
            if (b.OrderKey == row.OrderKey && b.Sequence < row.Sequence && !_inFlight.ContainsKey(b.Sequence)) return false;
        foreach (var l in _live)
            if (l.Sequence < row.Sequence && l.OrderKey == row.OrderKey && !_inFlight.ContainsKey(l.Sequence)) return false;
        foreach (var seq in _store.Reader.PendingWithKey(row.OrderKey, _cursor, row.Sequence))
            if (!_inFlight.ContainsKey(seq)) return false;
        return true;
    }

    private void PublishBacklog(DateTimeOffset now)
    {
        while (_awaitingPubAck < _pubAckWindow && _inFlight.Count < _options.MaxInFlight)
        {
            if (_backlog.Count == 0)
            {
                if (_cursor > _store.LastCommittedSequence) return;
                var rows = _store.Reader.ReadPending(_cursor, _options.ReadBatch);
                if (rows.Count == 0)
                {
                    _cursor = _store.LastCommittedSequence + 1;
                    return;
                }
                foreach (var r in rows) _backlog.Enqueue(r);
                _cursor = rows[^1].Sequence + 1;
            }
            var row = _backlog.Dequeue();
            if (_inFlight.ContainsKey(row.Sequence) || _publishedAhead.Remove(row.Sequence)) continue;
            Publish(Track(row), now);
        }
    }

    private InFlightMessage Track(OutboxRow row, bool stat = false)
    {
        var f = new InFlightMessage(row) { Topic = TopicFor(row, stat || row.IsStat) };
        _inFlight.Add(row.Sequence, f);
        if (row.Kind == OutboxKinds.Result)
            _inFlightKeys[row.OrderKey] = (f.Topic, (_inFlightKeys.TryGetValue(row.OrderKey, out var k) ? k.Count : 0) + 1);
        return f;
    }

    private void Untrack(InFlightMessage f)
    {
        if (f.Row.Kind != OutboxKinds.Result || !_inFlightKeys.TryGetValue(f.Row.OrderKey, out var k)) return;
        if (k.Count <= 1) _inFlightKeys.Remove(f.Row.OrderKey);
        else _inFlightKeys[f.Row.OrderKey] = (k.Topic, k.Count - 1);
    }

    /// <summary>Events on …/events; a result on its key's topic while the key has one in flight, else by priority.</summary>
    private string TopicFor(OutboxRow row, bool stat) =>
        row.Kind != OutboxKinds.Result ? _eventsTopic
        : _inFlightKeys.TryGetValue(row.OrderKey, out var k) ? k.Topic
        : stat ? _statTopic : _resultsTopic;

    private void Publish(InFlightMessage f, DateTimeOffset now)
    {
        f.SentAt = now;
        f.AwaitingPubAck = true;
        f.NeedsResend = false;
        f.Attempts++;
        _awaitingPubAck++;
        var row = f.Row;
        var message = new MqttApplicationMessage
        {
            Topic = f.Topic,
            Payload = row.Payload,
            QualityOfService = MqttQualityOfService.AtLeastOnce,
            ContentType = "application/json",
            UserProperties = [new MqttUserProperty(MessageId.UserPropertyName, new MessageId(_options.GatewayId, _store.Epoch, row.Sequence).ToString())],
        };
        _ = AwaitPubAckAsync(row.Sequence, message);
    }

    private async Task AwaitPubAckAsync(long sequence, MqttApplicationMessage message)
    {
        PubAckOutcome outcome;
        try
        {
            outcome = new PubAckOutcome(sequence, await _client.PublishAsync(message).ConfigureAwait(false), null);
        }
        catch (Exception ex)
        {
            // Session lost, client stopped, connection gone: the row is still in the outbox and in flight; it goes again.
            outcome = new PubAckOutcome(sequence, null, ex);
        }
        _pubAcks.Enqueue(outcome);
        Wake();
    }

    public void Dispose() => _resendTimer.Dispose();
}
