using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Linking;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Ingest;

/// <summary>
/// MQTT handlers → two lanes → two writers → end-to-end acks. The handlers only triage and enqueue, so the broker
/// PUBACK can precede the commit: durability comes from the gateway, which keeps each message until the hub's own
/// <see cref="AckMessage"/> (sent only after commit) and resends otherwise. A repeat is then claimed by nobody and acked.
/// STAT results (issue 10: on <c>…/results/stat</c>, or <see cref="ResultMessage.Priority"/> = <c>stat</c> on the old
/// topic) go into a lane of their own, so a STAT never waits in a queue behind routine messages: on PostgreSQL each lane
/// has a writer of its own and the two commit side by side on two connections, so a STAT does not wait for a routine
/// batch's transaction either; on SQLite, where transactions take turns, one writer takes the STAT lane first at every
/// turn and cuts routine batches to <see cref="IngestOptions.RoutineBatchBudget"/> while STAT traffic is about
/// (<see cref="RoutineBatchSizer"/>), which bounds a STAT's wait for the turn.
/// Per-key order across the lanes is <see cref="IngestLanes"/>' job.
/// </summary>
internal sealed class IngestPipeline : BackgroundService
{
    private readonly IngestLanes _lanes;
    private readonly IngestWriter _writer;
    private readonly IMqttClient _mqtt;
    private readonly IngestOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<IngestPipeline> _logger;
    private readonly IngestTrace _trace;
    private readonly IIngestCommitObserver? _observer;
    private readonly RoutineBatchSizer _sizer;

    public IngestPipeline(HubMqttConnection connection, IngestWriter writer, IngestOptions options, TimeProvider time, ILogger<IngestPipeline> logger, IIngestCommitObserver? observer = null)
        : this(connection.Client, writer, options, time, logger, observer) =>
        connection.Handler = m => EnqueueAsync(m);

    internal IngestPipeline(IMqttClient mqtt, IngestWriter writer, IngestOptions options, TimeProvider time, ILogger<IngestPipeline> logger, IIngestCommitObserver? observer = null)
    {
        _observer = observer;
        _mqtt = mqtt;
        _writer = writer;
        _options = options;
        _time = time;
        _logger = logger;
        _trace = new IngestTrace(options.TraceFile);
        _lanes = new IngestLanes(options.QueueCapacity, time);
        _sizer = new RoutineBatchSizer(options);
    }

    /// <summary>The two queues (for tests and metrics).</summary>
    internal IngestLanes Lanes => _lanes;

    /// <summary>Messages stored, results stored, repeats seen — for tests and metrics.</summary>
    public long StoredMessages => Interlocked.Read(ref _storedMessages);

    private long _storedMessages;

    public async ValueTask EnqueueAsync(MqttReceivedMessage message)
    {
        var envelope = PayloadTriage.Triage(message.Topic, message.Payload, message.GetUserProperty(MessageId.UserPropertyName), _time.GetUtcNow(), _options.MaxPayloadBytes);
        if (envelope is null) return;
        await _lanes.EnqueueAsync(envelope).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (_writer.WritersTakeTurns)
            {
                await Task.Run(() => RunOneWriterAsync(stoppingToken), CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await Task.WhenAll(
                    Task.Run(() => RunLaneAsync(IngestLane.Stat, stoppingToken), CancellationToken.None),
                    Task.Run(() => RunLaneAsync(IngestLane.Routine, stoppingToken), CancellationToken.None)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is queued and uncommitted was never acked end to end; gateways resend it.
        }
        finally
        {
            _trace.Dispose();
        }
    }

    /// <summary>PostgreSQL: one lane's own writer, beside the other's.</summary>
    private async Task RunLaneAsync(IngestLane lane, CancellationToken ct)
    {
        var reader = _lanes.Reader(lane);
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false)) await WriteBatchAsync(lane, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// SQLite: transactions take turns anyway, so one writer serves both lanes and takes the STAT lane first at every
    /// turn; routine batches are cut short while STAT traffic is about, so a STAT never waits long for the turn.
    /// </summary>
    private async Task RunOneWriterAsync(CancellationToken ct)
    {
        Task<bool>? statReady = null;
        Task<bool>? routineReady = null;
        while (true)
        {
            if (await WriteBatchAsync(IngestLane.Stat, ct).ConfigureAwait(false) || await WriteBatchAsync(IngestLane.Routine, ct).ConfigureAwait(false)) continue;
            // One outstanding wait per lane, kept across turns (a fresh one each turn would pile up waiters).
            if (statReady is null || statReady.IsCompleted) statReady = _lanes.Reader(IngestLane.Stat).WaitToReadAsync(ct).AsTask();
            if (routineReady is null || routineReady.IsCompleted) routineReady = _lanes.Reader(IngestLane.Routine).WaitToReadAsync(ct).AsTask();
            await Task.WhenAny(statReady, routineReady).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Takes what the lane has queued (up to its batch size) and writes it in one transaction; false when it had nothing.</summary>
    private async Task<bool> WriteBatchAsync(IngestLane lane, CancellationToken ct)
    {
        var reader = _lanes.Reader(lane);
        var max = lane == IngestLane.Stat
            ? _options.MaxBatchMessages
            : _sizer.Next(cutForStat: _writer.WritersTakeTurns && _lanes.StatSeenWithin(_options.StatTrafficWindow));
        var batch = new List<IngestEnvelope>(Math.Min(max, reader.Count));
        while (batch.Count < max && reader.TryRead(out var e)) batch.Add(e);
        if (batch.Count == 0) return false;
        var started = _time.GetTimestamp();
        try
        {
            await WriteWithRetryAsync(batch, lane, ct).ConfigureAwait(false);
        }
        finally
        {
            _lanes.Done(batch);
        }
        if (lane == IngestLane.Routine) _sizer.Observe(batch.Count, _time.GetElapsedTime(started));
        return true;
    }

    private async Task WriteWithRetryAsync(List<IngestEnvelope> batch, IngestLane lane, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcome = await _writer.WriteAsync(batch, lane, ct).ConfigureAwait(false);
                Completed(batch, outcome);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                IngestLog.BatchFailed(_logger, ex, batch.Count, (int)delay.TotalMilliseconds);
                if (attempt >= 3 && batch.Count > 1)
                {
                    // Isolate a poison message: write one by one; whatever still fails is quarantined (and so acked and kept).
                    foreach (var single in batch) await WriteAloneAsync(single, lane, ct).ConfigureAwait(false);
                    return;
                }
                if (attempt >= 3)
                {
                    await WriteAloneAsync(batch[0], lane, ct).ConfigureAwait(false);
                    return;
                }
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                delay *= 4;
            }
        }
    }

    private async Task WriteAloneAsync(IngestEnvelope envelope, IngestLane lane, CancellationToken ct)
    {
        try
        {
            Completed([envelope], await _writer.WriteAsync([envelope], lane, ct).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            IngestLog.PoisonMessage(_logger, ex, envelope.MessageId?.ToString() ?? "(none)");
            var quarantined = envelope with
            {
                Kind = EnvelopeKind.Quarantine,
                QuarantineReason = QuarantineReason.Invalid,
                QuarantineDetail = "could not be stored: " + ex.GetType().Name,
                RawPayload = envelope.Result is { } r ? JsonSerializer.SerializeToUtf8Bytes(r, WireJson.Default.ResultMessage) : envelope.RawPayload,
                Result = null,
                Event = null,
            };
            Completed([quarantined], await _writer.WriteAsync([quarantined], lane, ct).ConfigureAwait(false));
        }
    }

    private void Completed(List<IngestEnvelope> batch, BatchOutcome outcome)
    {
        Interlocked.Add(ref _storedMessages, outcome.StoredMessageIds.Count);
        IngestLog.BatchStored(_logger, batch.Count, outcome.Results, outcome.Unmatched, outcome.Quarantined, outcome.Duplicates);
        foreach (var q in batch.Where(e => e.Kind == EnvelopeKind.Quarantine).Concat(outcome.QuarantinedByWriter))
            IngestLog.Quarantined(_logger, q.Topic, q.MessageId?.ToString() ?? "(none)", q.QuarantineReason.ToString()!, q.QuarantineDetail ?? "");
        foreach (var a in outcome.Alerts)
            IngestLog.Alert(_logger, a.Type, a.GatewayId, a.MessageId.ToString(), a.Text);
        var now = _time.GetUtcNow();
        _trace.Stored(batch.Where(e => e.Kind == EnvelopeKind.Result && e.MessageId is { } id && outcome.StoredMessageIds.Contains(id.ToString()))
            .Select(e => (e.MessageId!.Value.ToString(), e.Result?.SpecimenId, e.ReceivedAt)).ToList(), now);
        // Grains hear of the commit by one-way tells that are not awaited (issue 11: no grain on the ack path).
        _observer?.Committed(outcome);
        foreach (var ((gateway, epoch), sequences) in outcome.AcksByGateway)
            _ = PublishAckAsync(gateway, epoch, sequences, now);
    }

    private async Task PublishAckAsync(string gatewayId, string? epoch, List<long> sequences, DateTimeOffset at)
    {
        try
        {
            // One ack per epoch: a gateway applies only acks of its own store's epoch (see AckMessage.Epoch).
            var ack = new AckMessage { GatewayId = gatewayId, Epoch = epoch, Sequences = sequences.Distinct().Order().ToList(), At = at };
            await _mqtt.PublishAsync(new MqttApplicationMessage
            {
                Topic = Topics.Ack(gatewayId),
                Payload = JsonSerializer.SerializeToUtf8Bytes(ack, WireJson.Default.AckMessage),
                QualityOfService = MqttQualityOfService.AtLeastOnce,
                ContentType = "application/json",
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            IngestLog.AckFailed(_logger, ex, gatewayId);
        }
    }
}
