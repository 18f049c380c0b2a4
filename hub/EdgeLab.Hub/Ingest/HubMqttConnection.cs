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
/// An ingesting node opens a second session, the STAT session (issue 10), subscribed only to <c>…/results/stat</c>: the
/// broker queues each session's messages in order and sends at most its Receive Maximum unacknowledged ([MQTT-3.3.4-9]),
/// so on one session a STAT result would wait behind the routine backlog already queued to this node. Its own session
/// gives it its own queue and window. Same credentials, client id + <c>-stat</c>; acks and orders go on the main one.
/// Not with a client certificate: see the constructor.
/// </summary>
internal sealed class HubMqttConnection : IHostedService, IAsyncDisposable
{
    public static readonly string[] UplinkLeaves = ["results", "events", "status"];

    /// <summary>Fleet management's uplink (issue 12): command replies and certificate requests, not ingest's.</summary>
    public const string CommandReplyLeaf = "cmd-reply";

    public const string CertificateRequestLeaf = "cert-request";

    private readonly HubMqttOptions _options;
    private readonly ILogger<HubMqttConnection> _logger;
    private readonly MqttClient _client;
    private readonly MqttClient? _statClient;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private Task _firstConnect = Task.CompletedTask;
    private volatile Task _firstStatConnect = Task.CompletedTask;
    private int _statStarted;

    public HubMqttConnection(HubMqttOptions options, ILogger<HubMqttConnection> logger, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _options = options;
        _logger = logger;
        _time = time;
        _client = CreateClient(options.ClientId, receiveMaximum: 1000, loggerFactory);
        // With a client certificate the production broker takes the client id from the certificate
        // (use_username_as_clientid), so a second session under the same certificate would take the first one over
        // ([MQTT-3.1.4-3]) and the two would evict each other for ever. Then …/results/stat rides the main session: the
        // writer still takes STAT first, but at the broker it queues behind the routine backlog.
        var statSession = options.Ingest && options.Tls?.CertFile is null;
        var leaves = UplinkLeaves.Append(CommandReplyLeaf).Append(CertificateRequestLeaf);
        if (options.Ingest && !statSession) leaves = leaves.Append(Topics.StatResultsLeaf);
        var mainTopics = leaves.Select(Topics.SharedAllGateways).ToList();
        _client.Connected += info => _ = SubscribeAsync(_client, mainTopics, options.ClientId);
        if (statSession)
        {
            // STAT is a trickle: a small window is plenty and keeps the broker's queue for it short.
            _statClient = CreateClient(StatClientId, receiveMaximum: 100, loggerFactory);
            _statClient.Connected += info => _ = SubscribeAsync(_statClient, [Topics.SharedAllGateways(Topics.StatResultsLeaf)], StatClientId);
        }
    }

    private string StatClientId => _options.ClientId + "-stat";

    private MqttClient CreateClient(string clientId, ushort receiveMaximum, ILoggerFactory loggerFactory) => new(new MqttClientOptions
    {
        Host = _options.Host,
        Port = _options.Port,
        ClientId = clientId,
        UserName = _options.UserName,
        Password = HubMqttCredentials.LoadPassword(_options),
        Tls = HubMqttCredentials.LoadTls(_options),
        CleanStart = true,
        SessionExpirySeconds = 0,
        ReceiveMaximum = receiveMaximum,
        // Covers the largest payload a gateway may send ([MQTT-3.1.2-24]: the broker discards bigger packets to us).
        MaximumPacketSize = WireLimits.HubMaximumPacketSize,
        KeepAliveSeconds = 15,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromSeconds(5),
        OnMessage = Dispatch,
        TimeProvider = _time,
    }, loggerFactory.CreateLogger<MqttClient>());

    public IMqttClient Client => _client;

    /// <summary>Subscriptions granted so far (each session subscribes on every CONNACK): for tests and the bench.</summary>
    internal int Subscriptions => Volatile.Read(ref _subscriptions);

    private int _subscriptions;

    /// <summary>
    /// Set by the ingest pipeline; called one message at a time per session, PUBACK after it returns. The main and the
    /// STAT session call it concurrently.
    /// </summary>
    public Func<MqttReceivedMessage, ValueTask>? Handler { get; set; }

    /// <summary>Set by <c>Fleet/CommandReplyReceiver</c>: <c>…/cmd-reply</c> goes there, not to ingest.</summary>
    public Func<MqttReceivedMessage, ValueTask>? CommandReplyHandler { get; set; }

    /// <summary>Set by <c>Enrolment/CertificateRenewalService</c> on a node with the device CA: <c>…/cert-request</c> goes there.</summary>
    public Func<MqttReceivedMessage, ValueTask>? CertificateRequestHandler { get; set; }

    private ValueTask Dispatch(MqttReceivedMessage m)
    {
        if (Topics.TryParse(m.Topic, out _, out var leaf))
        {
            // No handler on this node (no CA, not started yet): acked and gone — the gateway asks again, the command times out.
            if (leaf == CommandReplyLeaf) return CommandReplyHandler?.Invoke(m) ?? ValueTask.CompletedTask;
            if (leaf == CertificateRequestLeaf) return CertificateRequestHandler?.Invoke(m) ?? ValueTask.CompletedTask;
        }
        return Handler?.Invoke(m) ?? ValueTask.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The STAT session connects once the main one has subscribed, so "Ingest subscribed" first means the main one.
        _firstConnect = Task.Run(() => ConnectUntilUpAsync(_client, _options.ClientId, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _firstConnect.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _firstStatConnect.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_statClient is { } stat) await stat.DisconnectAsync(MqttDisconnectReasonCode.NormalDisconnection, cancellationToken).ConfigureAwait(false);
        await _client.DisconnectAsync(MqttDisconnectReasonCode.NormalDisconnection, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _firstConnect.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _firstStatConnect.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_statClient is { } stat) await stat.DisposeAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Once connected the client reconnects by itself (EdgeLab.Mqtt's reconnect layer); only the first attempt is ours.</summary>
    private async Task ConnectUntilUpAsync(MqttClient client, string clientId, CancellationToken cancellationToken)
    {
        var transport = _options.Tls is null ? "tcp" : "tls";
        var delay = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
                HubMqttLog.Connected(_logger, _options.Host, _options.Port, transport, clientId);
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
                HubMqttLog.ConnectFailed(_logger, _options.Host, _options.Port, transport, clientId, Describe(ex), (long)delay.TotalMilliseconds);
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

    private async Task SubscribeAsync(MqttClient client, List<string> filters, string clientId)
    {
        if (!_options.Ingest) return;
        try
        {
            await client.SubscribeAsync(filters.Select(f => new MqttSubscription { TopicFilter = f, MaximumQualityOfService = MqttQualityOfService.AtLeastOnce }).ToList()).ConfigureAwait(false);
            Interlocked.Increment(ref _subscriptions);
            IngestLog.Subscribed(_logger, string.Join(", ", filters), clientId);
            if (client == _client && _statClient is { } stat && Interlocked.Exchange(ref _statStarted, 1) == 0 && !_stopping.IsCancellationRequested)
                _firstStatConnect = Task.Run(() => ConnectUntilUpAsync(stat, StatClientId, _stopping.Token), CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The connection dropped while subscribing; the next CONNACK subscribes again.
            IngestLog.AckFailed(_logger, ex, "(subscribe)");
        }
    }
}
