using EdgeLab.Mqtt.Connection;
using EdgeLab.Mqtt.Packets;
using EdgeLab.Mqtt.Reconnect;
using EdgeLab.Mqtt.Session;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Mqtt;

/// <summary>
/// EdgeLab's MQTT 5.0 client: one logical session that stays connected, reconnecting with exponential backoff and
/// full jitter (paho.golang's <c>autopaho</c> layer). Construct with <c>new MqttClient(options, logger)</c>, then
/// <see cref="ConnectAsync"/>. See <see cref="IMqttClient"/> for the contract.
/// </summary>
public sealed partial class MqttClient : IMqttClient
{
    private readonly MqttClientOptions _options;
    private readonly ILogger _logger;
    private readonly Func<CancellationToken, ValueTask<Stream>> _transport;
    private readonly Backoff _backoff;
    private readonly SessionState _session = new();
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource<MqttConnection> _ready = NewReady();
    private MqttConnection? _connection;
    private volatile MqttConnectionState _state = MqttConnectionState.Disconnected;
    private Task _supervisor = Task.CompletedTask;
    // The delivery loop of the newest connection; the next one chains onto it (see MqttConnection's previousDelivery).
    private Task _lastDelivery = Task.CompletedTask;
    private string _clientId;
    private int _started;

    public MqttClient(MqttClientOptions options, ILogger? logger = null)
        : this(options, logger, ct => TransportConnector.ConnectAsync(options, ct), Random.Shared)
    {
    }

    /// <summary>For tests: any duplex stream as the transport, and a seeded jitter source.</summary>
    internal MqttClient(MqttClientOptions options, ILogger? logger, Func<CancellationToken, ValueTask<Stream>> transport, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ReceiveMaximum == 0) throw new ArgumentException("Receive Maximum 0 is a Protocol Error (§3.1.2.11.3)", nameof(options));
        if (options.MaximumPacketSize == 0) throw new ArgumentException("Maximum Packet Size 0 is a Protocol Error (§3.1.2.11.4)", nameof(options));
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _transport = transport;
        _backoff = new Backoff(options.ReconnectMinDelay, options.ReconnectMaxDelay, random);
        _clientId = options.ClientId;
    }

    public MqttConnectionState State => _state;

    public event Action<MqttConnectedInfo>? Connected;

    public event Action<MqttDisconnectedInfo>? Disconnected;

    /// <summary>The last successful CONNACK's information, or null before the first.</summary>
    public MqttConnectedInfo? ConnectedInfo { get; private set; }

    /// <summary>QoS 1 publishes sent and not yet acknowledged.</summary>
    public int InFlightCount => _session.InFlightCount;

    public async Task<MqttConnectedInfo> ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1) throw new InvalidOperationException("ConnectAsync was already called on this client");
        _state = MqttConnectionState.Connecting;
        MqttConnection connection;
        MqttConnectedInfo info;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            (connection, info) = await ConnectOnceAsync(_options.CleanStart, linked.Token).ConfigureAwait(false);
        }
        catch
        {
            _state = MqttConnectionState.Disconnected;
            Volatile.Write(ref _started, 0);
            throw;
        }
        _supervisor = Task.Run(() => SuperviseAsync(connection), CancellationToken.None);
        return info;
    }

    /// <summary>The current connection sent a PINGREQ whose PINGRESP it has not read yet (tests step the keep-alive clock on it).</summary>
    internal bool PingOutstanding
    {
        get
        {
            lock (_gate) return _connection?.PingOutstanding ?? false;
        }
    }

    public async Task DisconnectAsync(MqttDisconnectReasonCode reason = MqttDisconnectReasonCode.NormalDisconnection, CancellationToken cancellationToken = default)
    {
        if (_state == MqttConnectionState.Stopped) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        MqttConnection? connection;
        lock (_gate) connection = _connection;
        if (connection is not null) await connection.DisconnectAsync(reason, "the client disconnected", cancellationToken).ConfigureAwait(false);
        try
        {
            await _supervisor.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The reconnect loop ends by cancellation.
        }
        var stopped = new MqttClientStoppedException();
        lock (_gate)
        {
            if (!_ready.TrySetException(stopped))
            {
                _ready = NewReady();
                _ready.TrySetException(stopped);
            }
            _ready.Task.Exception?.Handle(_ => true);
        }
        _session.Stop(stopped);
        // Publishes made from inside a handler have just failed, so the handler can finish; after this no handler runs.
        await _lastDelivery.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _state = MqttConnectionState.Stopped;
        MqttClientLog.Stopped(_logger, reason);
    }

    public async Task ReconnectAsync(CancellationToken cancellationToken = default)
    {
        MqttConnection? connection;
        lock (_gate) connection = _connection;
        // None open: the reconnect loop is already trying, and its next attempt reads the options afresh.
        if (connection is null || _stopping.IsCancellationRequested) return;
        await connection.DisconnectAsync(MqttDisconnectReasonCode.NormalDisconnection, "reconnecting on request", cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_state != MqttConnectionState.Stopped)
        {
            try
            {
                await DisconnectAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
            {
                // Disposing must not throw because the network is gone.
            }
        }
        _stopping.Dispose();
    }

    /// <summary>One connection attempt: transport, CONNECT/CONNACK, then the session learns the outcome.</summary>
    private async Task<(MqttConnection, MqttConnectedInfo)> ConnectOnceAsync(bool cleanStart, CancellationToken cancellationToken)
    {
        MqttClientLog.Connecting(_logger, _options.Host, _options.Port, _clientId, cleanStart);
        Stream stream;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_options.ConnectTimeout);
            try
            {
                stream = await _transport(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new MqttConnectionLostException($"Could not open the transport within {_options.ConnectTimeout}", ex);
            }
        }
        var connection = new MqttConnection(stream, _options, _session, _logger, _lastDelivery);
        ConnAckPacket connAck;
        try
        {
            connAck = await connection.ConnectAsync(BuildConnect(cleanStart), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            _lastDelivery = connection.DeliveryCompletion;
        }
        if (connAck.Properties.AssignedClientIdentifier is { } assigned) _clientId = assigned;
        var inFlight = _session.InFlightCount;
        var resend = _session.ConnAckReceived(connAck.SessionPresent, connAck.Properties.ReceiveMaximum);
        if (!connAck.SessionPresent && inFlight > 0) MqttClientLog.SessionLost(_logger, inFlight);
        if (resend.Count > 0) MqttClientLog.Resending(_logger, resend.Count);
        // Resent before any new PUBLISH can be queued on this connection: publishers wait for _ready [MQTT-4.6.0-1].
        foreach (var entry in resend) connection.TryEnqueuePublish(entry, dup: entry.Written);
        var info = ToInfo(connAck);
        lock (_gate)
        {
            _connection = connection;
            _ready.TrySetResult(connection);
        }
        ConnectedInfo = info;
        _state = MqttConnectionState.Connected;
        MqttClientLog.Connected(_logger, _options.Host, _options.Port, _clientId, info.SessionPresent, info.ServerReceiveMaximum, (int)connection.KeepAlive.TotalSeconds);
        Raise(Connected, info, nameof(Connected));
        return (connection, info);
    }

    /// <summary>The reconnect layer: waits for the connection to end, then reconnects with backoff until stopped.</summary>
    private async Task SuperviseAsync(MqttConnection connection)
    {
        while (true)
        {
            var lost = await connection.Completion.ConfigureAwait(false);
            lock (_gate)
            {
                ResetReadyIf(connection);
                _connection = null;
            }
            _session.ConnectionLost(new MqttConnectionLostException("The MQTT connection closed before the server answered: " + lost.Reason, lost.Exception));
            await connection.DisposeAsync().ConfigureAwait(false);
            if (!_stopping.IsCancellationRequested)
            {
                _state = MqttConnectionState.Disconnected;
                MqttClientLog.ConnectionLost(_logger, lost.Exception, lost.Reason);
            }
            Raise(Disconnected, lost, nameof(Disconnected));
            if (_stopping.IsCancellationRequested) return;
            for (var attempt = 0; ; attempt++)
            {
                var delay = _backoff.Next(attempt);
                try
                {
                    await Task.Delay(delay, _options.TimeProvider, _stopping.Token).ConfigureAwait(false);
                    _state = MqttConnectionState.Connecting;
                    // Reconnects ask to resume the session (Clean Start=0, [MQTT-3.1.2-5]); Session Present says if it did.
                    (connection, _) = await ConnectOnceAsync(cleanStart: false, _stopping.Token).ConfigureAwait(false);
                    break;
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or MqttConnectException
                    or MqttConnectionLostException or MqttProtocolException or System.Security.Authentication.AuthenticationException
                    or TimeoutException or OperationCanceledException or ObjectDisposedException)
                {
                    _state = MqttConnectionState.Disconnected;
                    MqttClientLog.ConnectFailed(_logger, ex, attempt + 1, _backoff.Ceiling(attempt + 1));
                }
            }
        }
    }

    private void ResetReadyIf(MqttConnection connection)
    {
        if (_ready.Task.IsCompletedSuccessfully && ReferenceEquals(_ready.Task.Result, connection)) _ready = NewReady();
    }

    /// <summary>The open connection, waiting while there is none; <paramref name="failed"/> is one the caller found closed.</summary>
    private Task<MqttConnection> NextConnectionAsync(MqttConnection? failed, CancellationToken cancellationToken)
    {
        Task<MqttConnection> ready;
        lock (_gate)
        {
            if (failed is not null) ResetReadyIf(failed);
            ready = _ready.Task;
        }
        return ready.IsCompleted || !cancellationToken.CanBeCanceled ? ready : ready.WaitAsync(cancellationToken);
    }

    private static TaskCompletionSource<MqttConnection> NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Raise<T>(Action<T>? handler, T value, string name)
    {
        if (handler is null) return;
        try
        {
            handler(value);
        }
#pragma warning disable CA1031 // An application's event handler must not break the connection machinery.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            MqttClientLog.EventHandlerFailed(_logger, ex, name);
        }
    }
}
