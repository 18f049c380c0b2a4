using EdgeLab.Contract;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Hub.Ingest;

/// <summary>
/// The hub node's one MQTT session. Per DESIGN.md "Scale": Clean Start and Session Expiry 0, so a dead node leaves the
/// shared-subscription group at once and the broker queues nothing for it; what was in flight comes back because
/// gateways resend whatever the hub has not acked end to end. Subscriptions are renewed on every CONNACK.
/// The first connection is made in the background and retried until it succeeds: a broker that is down, refuses the
/// hub's credentials or speaks TLS where the hub expected plain TCP is a log line and a retry, never a crash (issue 9
/// item 5: the hub died with exit 134 on the TLS port).
/// </summary>
internal sealed class HubMqttConnection : IHostedService, IAsyncDisposable
{
    public static readonly string[] UplinkLeaves = ["results", "events", "status"];

    private readonly HubMqttOptions _options;
    private readonly ILogger<HubMqttConnection> _logger;
    private readonly MqttClient _client;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private Task _firstConnect = Task.CompletedTask;

    public HubMqttConnection(HubMqttOptions options, ILogger<HubMqttConnection> logger, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _options = options;
        _logger = logger;
        _time = time;
        _client = new MqttClient(new MqttClientOptions
        {
            Host = options.Host,
            Port = options.Port,
            ClientId = options.ClientId,
            UserName = options.UserName,
            Password = HubMqttCredentials.LoadPassword(options),
            Tls = HubMqttCredentials.LoadTls(options),
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

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _firstConnect = Task.Run(() => ConnectUntilUpAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _firstConnect.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _client.DisconnectAsync(MqttDisconnectReasonCode.NormalDisconnection, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _firstConnect.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _client.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Once connected the client reconnects by itself (EdgeLab.Mqtt's reconnect layer); only the first attempt is ours.</summary>
    private async Task ConnectUntilUpAsync(CancellationToken cancellationToken)
    {
        var transport = _options.Tls is null ? "tcp" : "tls";
        var delay = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _client.ConnectAsync(cancellationToken).ConfigureAwait(false);
                HubMqttLog.Connected(_logger, _options.Host, _options.Port, transport, _options.ClientId);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Any failure: refused, TLS handshake, bad CONNACK (0x86 bad user name or password, 0x87 not
                // authorized), or a TLS listener's bytes read as MQTT. The reason names which; the password never.
                HubMqttLog.ConnectFailed(_logger, _options.Host, _options.Port, transport, _options.ClientId, Describe(ex), (long)delay.TotalMilliseconds);
            }
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    private static string Describe(Exception ex) => ex.InnerException is { } inner && inner.Message != ex.Message
        ? $"{ex.GetType().Name}: {ex.Message} ({inner.Message})"
        : $"{ex.GetType().Name}: {ex.Message}";

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
