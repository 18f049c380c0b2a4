using System.Text.Json;
using System.Threading.Channels;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Linking;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Ingest;

/// <summary>
/// MQTT handler → bounded queue → batch writer → end-to-end acks. The handler only triages and enqueues, so the broker
/// PUBACK can precede the commit: durability comes from the gateway, which keeps each message until the hub's own
/// <see cref="AckMessage"/> (sent only after commit) and resends otherwise. A repeat is then claimed by nobody and acked.
/// STAT results (<see cref="ResultMessage.Priority"/> = <c>stat</c>) take a fast lane: a queue of their own that the
/// writer empties first, committing them in a batch of their own so they never wait behind 512 routine messages.
/// </summary>
internal sealed class IngestPipeline : BackgroundService
{
    private readonly Channel<IngestEnvelope> _queue;
    private readonly Channel<IngestEnvelope> _statQueue;
    private readonly IngestWriter _writer;
    private readonly IMqttClient _mqtt;
    private readonly IngestOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<IngestPipeline> _logger;
    private readonly IngestTrace _trace;
    private readonly IIngestCommitObserver? _observer;

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
        _queue = Channel.CreateBounded<IngestEnvelope>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true, SingleWriter = true });
        _statQueue = Channel.CreateBounded<IngestEnvelope>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true, SingleWriter = true });
    }

    /// <summary>Messages stored, results stored, repeats seen — for tests and metrics.</summary>
    public long StoredMessages => Interlocked.Read(ref _storedMessages);

    private long _storedMessages;

    public ValueTask EnqueueAsync(MqttReceivedMessage message)
    {
        var envelope = PayloadTriage.Triage(message.Topic, message.Payload, message.GetUserProperty(MessageId.UserPropertyName), _time.GetUtcNow(), _options.MaxPayloadBytes);
        if (envelope is null) return ValueTask.CompletedTask;
        return (IsStat(envelope) ? _statQueue : _queue).Writer.WriteAsync(envelope);
    }

    private static bool IsStat(IngestEnvelope e) => e.Result?.Priority == "stat";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<IngestEnvelope>(_options.MaxBatchMessages);
        Task<bool>? statReady = null;
        Task<bool>? routineReady = null;
        try
        {
            while (true)
            {
                // STAT first, in a batch of its own (a small commit); routine batches fill only when no STAT waits.
                while (batch.Count < _options.MaxBatchMessages && _statQueue.Reader.TryRead(out var stat)) batch.Add(stat);
                if (batch.Count == 0)
                    while (batch.Count < _options.MaxBatchMessages && _queue.Reader.TryRead(out var e)) batch.Add(e);
                if (batch.Count > 0)
                {
                    await WriteWithRetryAsync(batch, stoppingToken).ConfigureAwait(false);
                    batch.Clear();
                    continue;
                }
                // One outstanding wait per queue, kept across turns (a fresh one each turn would pile up waiters).
                if (statReady is null || statReady.IsCompleted) statReady = _statQueue.Reader.WaitToReadAsync(stoppingToken).AsTask();
                if (routineReady is null || routineReady.IsCompleted) routineReady = _queue.Reader.WaitToReadAsync(stoppingToken).AsTask();
                await Task.WhenAny(statReady, routineReady).ConfigureAwait(false);
                stoppingToken.ThrowIfCancellationRequested();
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

    private async Task WriteWithRetryAsync(List<IngestEnvelope> batch, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcome = await _writer.WriteAsync(batch, ct).ConfigureAwait(false);
                Completed(batch, outcome);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                IngestLog.BatchFailed(_logger, ex, batch.Count, (int)delay.TotalMilliseconds);
                if (attempt >= 3 && batch.Count > 1)
                {
                    // Isolate a poison message: write one by one; whatever still fails is quarantined (and so acked and kept).
                    foreach (var single in batch) await WriteAloneAsync(single, ct).ConfigureAwait(false);
                    return;
                }
                if (attempt >= 3)
                {
                    await WriteAloneAsync(batch[0], ct).ConfigureAwait(false);
                    return;
                }
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                delay *= 4;
            }
        }
    }

    private async Task WriteAloneAsync(IngestEnvelope envelope, CancellationToken ct)
    {
        try
        {
            Completed([envelope], await _writer.WriteAsync([envelope], ct).ConfigureAwait(false));
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
            Completed([quarantined], await _writer.WriteAsync([quarantined], ct).ConfigureAwait(false));
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
