using System.Collections.Concurrent;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt;

namespace EdgeLab.Gateway.Tests.Support;

/// <summary>
/// The test plays the hub over a real broker: subscribes to one gateway's uplink topics, records every message by its
/// message id, and acknowledges end to end (automatically or when told).
/// </summary>
internal sealed class HubPeer : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly string _gatewayId;
    private readonly bool _autoAck;
    private readonly ConcurrentQueue<MqttReceivedMessage> _messages = new();

    private HubPeer(MosquittoProcess broker, string gatewayId, bool autoAck)
    {
        _gatewayId = gatewayId;
        _autoAck = autoAck;
        _client = new MqttClient(new MqttClientOptions
        {
            Host = broker.Host,
            Port = broker.Port,
            UserName = broker.HubCredentials.UserName,
            Password = System.Text.Encoding.UTF8.GetBytes(broker.HubCredentials.Password),
            ClientId = $"hub-test-{Guid.NewGuid():N}"[..20],
            CleanStart = false,
            SessionExpirySeconds = 600,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            OnMessage = OnMessageAsync,
        }, Logs.CreateLogger("hub-peer"));
        _client.Connected += info => _ = SubscribeAsync();
    }

    /// <summary>What the hub's MQTT client logged (shown when a test fails).</summary>
    public EdgeLab.Gateway.Hosting.LogRing Logs { get; } = new(100_000);

    /// <summary>Message id → how many times it arrived (results and events).</summary>
    public ConcurrentDictionary<string, int> Received { get; } = new();

    public IEnumerable<MqttReceivedMessage> Messages => _messages;

    public IMqttClient Client => _client;

    public static async Task<HubPeer> StartAsync(MosquittoProcess broker, string gatewayId, bool autoAck)
    {
        var hub = new HubPeer(broker, gatewayId, autoAck);
        await hub._client.ConnectAsync();
        await hub.SubscribeAsync();
        return hub;
    }

    private async Task SubscribeAsync()
    {
        try
        {
            await _client.SubscribeAsync(
            [
                new MqttSubscription { TopicFilter = Topics.Results(_gatewayId) },
                new MqttSubscription { TopicFilter = Topics.StatResults(_gatewayId) },
                new MqttSubscription { TopicFilter = Topics.Events(_gatewayId) },
                new MqttSubscription { TopicFilter = Topics.Status(_gatewayId) },
                new MqttSubscription { TopicFilter = Topics.CommandReply(_gatewayId) },
            ]);
        }
        catch (Exception ex) when (ex is MqttConnectionLostException or MqttClientStoppedException or OperationCanceledException)
        {
            // Reconnecting; the next Connected subscribes again.
        }
    }

    private async ValueTask OnMessageAsync(MqttReceivedMessage message)
    {
        _messages.Enqueue(message);
        if (message.GetUserProperty(MessageId.UserPropertyName) is { } id)
        {
            Received.AddOrUpdate(id, 1, (_, n) => n + 1);
            if (_autoAck && MessageId.TryParse(id, out var mid)) await AckAsync(mid.Sequence);
        }
    }

    public Task AckAsync(params long[] sequences) =>
        _client.PublishAsync(new MqttApplicationMessage
        {
            Topic = Topics.Ack(_gatewayId),
            Payload = JsonSerializer.SerializeToUtf8Bytes(new AckMessage { GatewayId = _gatewayId, Sequences = sequences, At = DateTimeOffset.UtcNow }, WireJson.Default.AckMessage),
        });

    public Task PublishAsync(string topic, byte[] payload, string? responseTopic = null, byte[]? correlation = null) =>
        _client.PublishAsync(new MqttApplicationMessage { Topic = topic, Payload = payload, ResponseTopic = responseTopic, CorrelationData = correlation });

    public IEnumerable<EventMessage> Events() => _messages.Where(m => m.Topic == Topics.Events(_gatewayId))
        .Select(m => JsonSerializer.Deserialize(m.Payload.Span, WireJson.Default.EventMessage)!);

    public IEnumerable<StatusMessage> Statuses() => _messages.Where(m => m.Topic == Topics.Status(_gatewayId))
        .Select(m => JsonSerializer.Deserialize(m.Payload.Span, WireJson.Default.StatusMessage)!);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _client.DisconnectAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The broker may already be gone.
        }
        await _client.DisposeAsync();
    }
}
