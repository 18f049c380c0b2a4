using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt;

namespace EdgeLab.Bench.Cluster;

/// <summary>
/// A gateway as the cluster benchmarks drive it: publishes a Sysmex CBC result message at a steady rate over a real
/// Mosquitto, keeps what it sent until the hub acks it end to end (DESIGN.md guarantee 1) and resends what stays
/// unacked for <see cref="ResendAfter"/>, as a real gateway's outbox does (its <c>UplinkOptions.AckTimeout</c> is 60 s;
/// 30 s here keeps the drain shorter; 1–5 s made a resend storm — each message sent 4–6 times — once a loaded box
/// slowed the hub past that); records when each sequence was first
/// published and first acked, and when each order arrived. Every <see cref="CriticalEvery"/>-th message carries a
/// critical HGB, so the ordering clinic's webhook (the organization grain's work) fires.
/// </summary>
internal sealed class LoadGateway : IAsyncDisposable
{
    public static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(30);
    public const int CriticalEvery = 50;

    private readonly MqttClient _client;
    private readonly string _epoch = Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()));
    private readonly IReadOnlyList<string> _specimens;
    private readonly Stopwatch _clock;
    private readonly ConcurrentDictionary<long, long> _published = new(); // sequence → first publish (clock ms)
    private readonly ConcurrentDictionary<long, long> _acked = new(); // sequence → first end-to-end ack (clock ms)
    private readonly ConcurrentDictionary<long, long> _lastSent = new(); // sequence → last (re)send, while unacked
    private long _sequence;
    private long _resends;

    private LoadGateway(string id, MqttClient client, IReadOnlyList<string> specimens, Stopwatch clock)
    {
        Id = id;
        _client = client;
        _specimens = specimens;
        _clock = clock;
    }

    public string Id { get; }

    /// <summary>Orders received: specimen id, action, arrival (clock ms).</summary>
    public ConcurrentQueue<(string Specimen, string Action, long At)> Orders { get; } = new();

    public IReadOnlyDictionary<long, long> Published => _published;
    public IReadOnlyDictionary<long, long> Acked => _acked;
    public long Resends => Interlocked.Read(ref _resends);

    public static async Task<LoadGateway> ConnectAsync(string id, MosquittoProcess broker, IReadOnlyList<string> specimens, Stopwatch clock)
    {
        var credentials = await broker.AddUserAsync(id); // no anonymous clients (issue 9)
        LoadGateway? self = null;
        var client = new MqttClient(new MqttClientOptions
        {
            Host = broker.Host,
            Port = broker.Port,
            ClientId = id,
            UserName = credentials.UserName,
            Password = Encoding.UTF8.GetBytes(credentials.Password),
            OnMessage = m => self!.OnMessage(m),
        });
        self = new LoadGateway(id, client, specimens, clock);
        await client.ConnectAsync();
        await client.SubscribeAsync([new MqttSubscription { TopicFilter = Topics.Ack(id) }, new MqttSubscription { TopicFilter = Topics.Orders(id) }]);
        return self;
    }

    /// <summary>Publishes <paramref name="perSecond"/> messages a second (and resends the overdue) until cancelled.</summary>
    public async Task RunAsync(double perSecond, CancellationToken ct)
    {
        var interval = TimeSpan.FromSeconds(1 / perSecond);
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var seq = Interlocked.Increment(ref _sequence);
                _published[seq] = _clock.ElapsedMilliseconds;
                await SendAsync(seq);
                if (seq % 20 == 0) await ResendOverdueAsync();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Resends what is unacked past <see cref="ResendAfter"/>; true when everything published is acked.</summary>
    public async Task<bool> ResendOverdueAsync()
    {
        var now = _clock.ElapsedMilliseconds;
        foreach (var (seq, last) in _lastSent)
        {
            if (_acked.ContainsKey(seq)) { _lastSent.TryRemove(seq, out _); continue; }
            if (now - last < ResendAfter.TotalMilliseconds) continue;
            Interlocked.Increment(ref _resends);
            await SendAsync(seq);
        }
        return _lastSent.IsEmpty; // what is left there is unacked
    }

    private async Task SendAsync(long seq)
    {
        _lastSent[seq] = _clock.ElapsedMilliseconds;
        var message = Message(seq);
        try
        {
            await _client.PublishAsync(new MqttApplicationMessage
            {
                Topic = Topics.Results(Id),
                Payload = JsonSerializer.SerializeToUtf8Bytes(message, WireJson.Default.ResultMessage),
                QualityOfService = MqttQualityOfService.AtLeastOnce,
                UserProperties = [new MqttUserProperty(MessageId.UserPropertyName, message.MessageId)],
            });
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or TimeoutException)
        {
            // The broker connection is local and stays up; the resend loop covers a failed publish anyway.
        }
    }

    private ResultMessage Message(long seq)
    {
        // Every value changes with the sequence, so a re-report of a tube is a correction of all three results (and a
        // critical one notifies), never an identical retransmission (which stores no new row): three rows per message.
        var change = seq % 997 / 1000.0;
        var hgb = (seq % CriticalEvery == 0 ? 4.0 : 13.0) + change;
        var at = DateTimeOffset.UtcNow;
        return new ResultMessage
        {
            MessageId = new MessageId(Id, _epoch, seq).ToString(),
            GatewayId = Id,
            Sequence = seq,
            InstrumentId = "xn-1",
            Profile = "sysmex-xn",
            Protocol = "astm",
            Kind = "patient",
            SpecimenId = _specimens[(int)(seq % _specimens.Count)],
            ReceivedAt = at,
            TranscriptSha256 = new string('0', 64),
            Results =
            [
                new ResultItem { Code = "WBC", Value = (6.0 + change).ToString("F3", CultureInfo.InvariantCulture), Units = "10*3/uL", Status = "F", CompletedAt = at },
                new ResultItem { Code = "HGB", Value = hgb.ToString("F3", CultureInfo.InvariantCulture), Units = "g/dL", Status = "F", CompletedAt = at },
                new ResultItem { Code = "PLT", Value = (200 + seq % 97).ToString(CultureInfo.InvariantCulture), Units = "10*3/uL", Status = "F", CompletedAt = at },
            ],
        };
    }

    private ValueTask OnMessage(MqttReceivedMessage m)
    {
        var now = _clock.ElapsedMilliseconds;
        if (m.Topic == Topics.Orders(Id))
        {
            var order = JsonSerializer.Deserialize(m.Payload.Span, WireJson.Default.OrderMessage)!;
            Orders.Enqueue((order.SpecimenId, order.Action, now));
            return ValueTask.CompletedTask;
        }
        var ack = JsonSerializer.Deserialize(m.Payload.Span, WireJson.Default.AckMessage)!;
        if (ack.Epoch == _epoch)
            foreach (var seq in ack.Sequences) _acked.TryAdd(seq, now);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _client.DisconnectAsync();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
        }
        await _client.DisposeAsync();
    }
}
