using EdgeLab.Contract;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Ingest;

/// <summary>Where the broker is and whether this node ingests.</summary>
internal sealed record HubMqttOptions
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 1883;
    /// <summary>Subscribe to the gateways' uplink (role <c>ingest</c>); without it the connection only publishes orders.</summary>
    public bool Ingest { get; init; } = true;
    public string ClientId { get; init; } = $"edgelab-hub-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
}

/// <summary>
/// The hub node's one MQTT session. Per DESIGN.md "Scale": Clean Start and Session Expiry 0, so a dead node leaves the
/// shared-subscription group at once and the broker queues nothing for it; what was in flight comes back because
/// gateways resend whatever the hub has not acked end to end. Subscriptions are renewed on every CONNACK.
/// </summary>
internal sealed class HubMqttConnection : IHostedService, IAsyncDisposable
{
    public static readonly string[] UplinkLeaves = ["results", "events", "status"];

    private readonly HubMqttOptions _options;
    private readonly ILogger<HubMqttConnection> _logger;
    private readonly MqttClient _client;

    public HubMqttConnection(HubMqttOptions options, ILogger<HubMqttConnection> logger, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _options = options;
        _logger = logger;
        _client = new MqttClient(new MqttClientOptions
        {
            Host = options.Host,
            Port = options.Port,
            ClientId = options.ClientId,
            CleanStart = true,
            SessionExpirySeconds = 0,
            ReceiveMaximum = 1000,
            // Covers the largest payload a gateway may send ([MQTT-3.1.2-24]: the broker discards bigger packets to us).
            MaximumPacketSize = WireLimits.HubMaximumPacketSize,
            KeepAliveSeconds = 15,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromSeconds(5),
            OnMessage = m => Handler?.Invoke(m) ?? ValueTask.CompletedTask,
            TimeProvider = time,
        }, loggerFactory.CreateLogger<MqttClient>());
        _client.Connected += info => _ = OnConnectedAsync();
    }

    public IMqttClient Client => _client;

    /// <summary>Set by the ingest pipeline; called one message at a time, PUBACK after it returns.</summary>
    public Func<MqttReceivedMessage, ValueTask>? Handler { get; set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or TimeoutException or MqttConnectException)
        {
            throw new InvalidOperationException(
                $"Cannot connect to the MQTT broker at {_options.Host}:{_options.Port}: {ex.Message}. Check --mqtt-host/--mqtt-port and that the broker runs.", ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => _client.DisconnectAsync(MqttDisconnectReasonCode.NormalDisconnection, cancellationToken);

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private async Task OnConnectedAsync()
    {
        if (!_options.Ingest) return;
        var filters = UplinkLeaves.Select(Topics.SharedAllGateways).ToList();
        try
        {
            await _client.SubscribeAsync(filters.Select(f => new MqttSubscription { TopicFilter = f, MaximumQualityOfService = MqttQualityOfService.AtLeastOnce }).ToList()).ConfigureAwait(false);
            IngestLog.Subscribed(_logger, string.Join(", ", filters), _options.ClientId);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The connection dropped while subscribing; the next CONNACK subscribes again.
            IngestLog.AckFailed(_logger, ex, "(subscribe)");
        }
    }
}
