using System.Collections.Concurrent;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt;

namespace EdgeLab.Hub.Tests.Support;

/// <summary>
/// The test acting as a gateway on a real broker: publishes uplink messages with the message-id user property,
/// collects the hub's end-to-end acks and the orders sent to it.
/// </summary>
internal sealed class GatewayPeer : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly object _gate = new();
    private readonly HashSet<long> _acked = [];
    private readonly List<(HashSet<long> Want, TaskCompletionSource Done)> _waiters = [];

    private GatewayPeer(string gatewayId, string host, int port, MqttCredentials credentials, bool persistentSession)
    {
        GatewayId = gatewayId;
        _client = new MqttClient(new MqttClientOptions
        {
            Host = host,
            Port = port,
            ClientId = gatewayId + "-test",
            // The broker's user for a gateway is its id; the ACL confines it to edgelab/v1/gw/<id>/#.
            UserName = credentials.UserName,
            Password = System.Text.Encoding.UTF8.GetBytes(credentials.Password),
            // A persistent session keeps the subscription and queues QoS 1 orders across a broker restart.
            CleanStart = !persistentSession,
            SessionExpirySeconds = persistentSession ? 600u : 0u,
            OnMessage = OnMessageAsync,
        });
    }

    public string GatewayId { get; }
    public ConcurrentQueue<OrderMessage> Orders { get; } = new();
    public int AckMessages;

    public IReadOnlyCollection<long> Acked
    {
        get { lock (_gate) return _acked.ToList(); }
    }

    public static async Task<GatewayPeer> ConnectAsync(string gatewayId, MosquittoProcess broker, bool persistentSession = false)
    {
        var peer = new GatewayPeer(gatewayId, broker.Host, broker.Port, await broker.AddUserAsync(gatewayId), persistentSession);
        await peer._client.ConnectAsync();
        await peer._client.SubscribeAsync([new MqttSubscription { TopicFilter = Topics.Ack(gatewayId) }, new MqttSubscription { TopicFilter = Topics.Orders(gatewayId) }]);
        return peer;
    }

    public Task PublishAsync(ResultMessage message) => PublishAsync(Topics.Results(GatewayId), Messages.Json(message), message.MessageId);

    public async Task PublishAsync(string topic, byte[] payload, string? messageId)
    {
        var reason = await TryPublishAsync(topic, payload, messageId);
        Assert.True((int)reason < 0x80, reason.ToString()); // reason codes below 0x80 are successes (MQTT 5 §2.4)
    }

    /// <summary>Publishes at QoS 1 and returns the broker's PUBACK reason, success or not.</summary>
    public async Task<MqttPubAckReasonCode> TryPublishAsync(string topic, byte[] payload, string? messageId)
    {
        var result = await _client.PublishAsync(new MqttApplicationMessage
        {
            Topic = topic,
            Payload = payload,
            QualityOfService = MqttQualityOfService.AtLeastOnce,
            UserProperties = messageId is null ? [] : [new MqttUserProperty(MessageId.UserPropertyName, messageId)],
        });
        return result.ReasonCode;
    }

    /// <summary>Completes when every sequence has been acked end to end (at least once).</summary>
    public Task WaitForAcksAsync(IEnumerable<long> sequences, TimeSpan timeout)
    {
        var want = sequences.ToHashSet();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            want.ExceptWith(_acked);
            if (want.Count == 0) return Task.CompletedTask;
            _waiters.Add((want, done));
        }
        return done.Task.WaitAsync(timeout);
    }

    private ValueTask OnMessageAsync(MqttReceivedMessage m)
    {
        if (m.Topic == Topics.Orders(GatewayId))
        {
            Orders.Enqueue(JsonSerializer.Deserialize(m.Payload.Span, WireJson.Default.OrderMessage)!);
            return ValueTask.CompletedTask;
        }
        var ack = JsonSerializer.Deserialize(m.Payload.Span, WireJson.Default.AckMessage)!;
        Interlocked.Increment(ref AckMessages);
        lock (_gate)
        {
            _acked.UnionWith(ack.Sequences);
            foreach (var w in _waiters.ToList())
            {
                w.Want.ExceptWith(ack.Sequences);
                if (w.Want.Count == 0)
                {
                    _waiters.Remove(w);
                    w.Done.TrySetResult();
                }
            }
        }
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisconnectAsync();
        await _client.DisposeAsync();
    }
}
