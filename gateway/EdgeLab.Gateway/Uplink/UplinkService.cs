using EdgeLab.Contract;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Gateway.Management;
using EdgeLab.Gateway.OrderCache;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Uplink;

/// <summary>
/// The gateway's side of the wire contract: one MQTT session that drains the outbox (<see cref="OutboxDispatcher"/>),
/// keeps the retained status fresh (heartbeat, link changes, Will = offline) and takes the hub's acks, orders,
/// configuration and commands (<see cref="InboundRouter"/>). Never stops the gateway: while the broker is unreachable the
/// client keeps retrying and the analyzers keep being served into the outbox.
/// </summary>
internal sealed class UplinkService : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromHours(1);

    private readonly GatewayRuntime _runtime;
    private readonly OutboxStore _outbox;
    private readonly Func<Microsoft.Extensions.Logging.ILogger, Func<MqttReceivedMessage, ValueTask>, IMqttClient> _clientFactory;
    private readonly StatusReporter _status;
    private readonly PipelineTrace _trace;
    private readonly ILogger _log;
    private readonly ILogger _mqttLog;
    private readonly CancellationTokenSource _stopping = new();
    private readonly InboundRouter _router;
    private readonly TimeProvider _connectionTime;
    private IMqttClient? _client;
    private OutboxDispatcher? _dispatcher;
    private Task _dispatcherTask = Task.CompletedTask;
    private Task _connectTask = Task.CompletedTask;
    private ITimer? _heartbeat;
    private ITimer? _purge;

    public UplinkService(GatewayRuntime runtime, OutboxStore outbox, SqliteOrderCache orders, CommandHandler commands, ConfigApplier config,
        Func<ILogger, Func<MqttReceivedMessage, ValueTask>, IMqttClient> clientFactory, PipelineTrace trace, ILoggerFactory loggers,
        TimeProvider? connectionTime = null, Renewal.CertificateRenewal? renewal = null)
    {
        _runtime = runtime;
        // Connection timing (the first connect's retries) runs on the MQTT client's clock, like its own reconnects;
        // the runtime clock stamps messages and drives heartbeats.
        _connectionTime = connectionTime ?? runtime.Time;
        _outbox = outbox;
        _clientFactory = clientFactory;
        _trace = trace;
        _status = new StatusReporter(runtime, outbox);
        _log = loggers.CreateLogger("EdgeLab.Gateway.Uplink");
        _mqttLog = loggers.CreateLogger("EdgeLab.Mqtt");
        Commands = commands;
        Renewal = renewal;
        _router = new InboundRouter(runtime.Config.GatewayId, outbox, orders, commands, config, () => _dispatcher, () => _client, _log, _stopping.Token, runtime.UplinkHealth, renewal);
        runtime.LinksChanged += PublishStatusSoon;
    }

    public CommandHandler Commands { get; }

    /// <summary>Certificate renewal over MQTT; null without a client certificate.</summary>
    public Renewal.CertificateRenewal? Renewal { get; }

    public OutboxDispatcher? Dispatcher => _dispatcher;

    public IMqttClient? Client => _client;

    public StatusReporter Status => _status;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var config = _runtime.Config;
        _client = _clientFactory(_mqttLog, _router.HandleAsync);
        _dispatcher = new OutboxDispatcher(_outbox, _client, new UplinkOptions
        {
            GatewayId = config.GatewayId,
            AckTimeout = TimeSpan.FromSeconds(config.Outbox.AckTimeoutSeconds),
            MaxInFlight = config.Outbox.MaxInFlight,
        }, _runtime.Time, _trace, _log);
        Commands.Dispatcher = _dispatcher;
        Renewal?.Start(_client);
        _client.Connected += OnConnected;
        _client.Disconnected += OnDisconnected;
        _dispatcherTask = Task.Run(() => RunDispatcherAsync(_stopping.Token), CancellationToken.None);
        _connectTask = Task.Run(() => ConnectAsync(_stopping.Token), CancellationToken.None);
        var beat = TimeSpan.FromSeconds(config.Management.HeartbeatSeconds);
        _heartbeat = _runtime.Time.CreateTimer(_ => PublishStatusSoon(), null, beat, beat);
        _purge = _runtime.Time.CreateTimer(_ => _ = PurgeAsync(), null, TimeSpan.FromMinutes(1), PurgeEvery);
        return Task.CompletedTask;
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var config = _runtime.Config;
        var delay = TimeSpan.FromMilliseconds(500);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // After the first success the client reconnects by itself; only the first attempt's failure is ours.
                await _client!.ConnectAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                GatewayLog.UplinkConnectFailed(_log, config.Mqtt.Host, config.Mqtt.Port, ex.Message);
            }
            try
            {
                await Task.Delay(delay, _connectionTime, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    private async Task RunDispatcherAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _dispatcher!.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or IOException)
            {
                // A read failed (disk error, database locked past the timeout): the rows are still there; try again shortly.
                GatewayLog.DispatcherFailed(_log, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _runtime.Time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void OnConnected(MqttConnectedInfo info)
    {
        var config = _runtime.Config;
        _runtime.UplinkHealth.Connected();
        GatewayLog.UplinkConnected(_log, config.Mqtt.Host, config.Mqtt.Port, info.SessionPresent, info.ServerReceiveMaximum);
        // A resumed session kept our subscriptions: drain at once. A new one must subscribe first, or the hub's acks
        // for the first messages could reach the broker before our subscription and be dropped (then resent only
        // after the ack timeout).
        if (info.SessionPresent) _dispatcher?.OnConnected(info);
        _ = SubscribeAndAnnounceAsync(info);
    }

    private void OnDisconnected(MqttDisconnectedInfo info)
    {
        _runtime.UplinkHealth.Disconnected(info.Reason);
        GatewayLog.UplinkDisconnected(_log, info.Reason);
        _dispatcher?.OnDisconnected();
    }

    private async Task SubscribeAndAnnounceAsync(MqttConnectedInfo info)
    {
        var gw = _runtime.Config.GatewayId;
        try
        {
            // Subscribed on every connect: harmless when the session kept them, needed when it did not.
            await _client!.SubscribeAsync(
            [
                new MqttSubscription { TopicFilter = Topics.Ack(gw) },
                new MqttSubscription { TopicFilter = Topics.Orders(gw) },
                new MqttSubscription { TopicFilter = Topics.Config(gw) },
                new MqttSubscription { TopicFilter = Topics.Command(gw) },
                new MqttSubscription { TopicFilter = Topics.Certificate(gw) },
            ], _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            GatewayLog.StatusPublishFailed(_log, $"subscribe failed: {ex.Message}");
        }
        // Drain even if subscribing failed: unacked rows are resent after the ack timeout, so nothing is lost.
        if (!info.SessionPresent && _client!.State == MqttConnectionState.Connected) _dispatcher?.OnConnected(info);
        await PublishStatusAsync(online: true).ConfigureAwait(false);
        // After subscribing to …/cert: a renewed certificate that got through is kept, the window checked.
        Renewal?.OnConnected();
    }

    private void PublishStatusSoon() => _ = PublishStatusAsync(online: true);

    /// <summary>Publishes the retained status now (heartbeat, link change, config change).</summary>
    public async Task PublishStatusAsync(bool online)
    {
        if (_client is not { State: MqttConnectionState.Connected } client) return;
        try
        {
            await client.PublishAsync(new MqttApplicationMessage
            {
                Topic = Topics.Status(_runtime.Config.GatewayId),
                Payload = _status.Serialize(online),
                QualityOfService = MqttQualityOfService.AtLeastOnce,
                Retain = true,
                ContentType = "application/json",
            }, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            GatewayLog.StatusPublishFailed(_log, ex.Message);
        }
    }

    private async Task PurgeAsync()
    {
        try
        {
            var n = await _outbox.PurgeTranscriptsAsync(_stopping.Token).ConfigureAwait(false);
            if (n > 0) GatewayLog.TranscriptsPurged(_log, n, _outbox.Options.TranscriptRetention.TotalDays);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Stopping.
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _runtime.LinksChanged -= PublishStatusSoon;
        _heartbeat?.Dispose();
        _purge?.Dispose();
        if (_client is { State: MqttConnectionState.Connected })
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                // A clean stop says offline itself (a normal DISCONNECT suppresses the Will).
                await _client.PublishAsync(new MqttApplicationMessage
                {
                    Topic = Topics.Status(_runtime.Config.GatewayId),
                    Payload = _status.Serialize(online: false),
                    Retain = true,
                }, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                GatewayLog.StatusPublishFailed(_log, ex.Message);
            }
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_client is not null)
        {
            try
            {
                await _client.DisconnectAsync(MqttDisconnectReasonCode.NormalDisconnection, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                GatewayLog.UplinkDisconnected(_log, $"disconnect: {ex.Message}");
            }
        }
        await Task.WhenAll(_dispatcherTask, _connectTask).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync().ConfigureAwait(false);
        Renewal?.Dispose();
        _dispatcher?.Dispose();
        _stopping.Dispose();
    }
}
