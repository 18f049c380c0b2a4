using System.IO.Pipelines;
using System.Threading.Channels;
using EdgeLab.Mqtt.Packets;
using EdgeLab.Mqtt.Session;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Mqtt.Connection;

/// <summary>
/// One Network Connection (paho.golang's <c>paho/</c>): CONNECT/CONNACK, a reader loop over a <see cref="PipeReader"/>,
/// one writer loop, keep alive, delivery of incoming messages. It ends once, for one reason (<see cref="Completion"/>);
/// reconnecting is the job of <see cref="MqttClient"/> above it, and the session state lives in <see cref="SessionState"/>.
/// </summary>
internal sealed partial class MqttConnection : IAsyncDisposable
{
    private static int s_epochs;

    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly MqttClientOptions _options;
    private readonly SessionState _session;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<ConnAckPacket> _connAck = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<MqttDisconnectedInfo> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly InboundTopicAliases _aliases;
    private Task _readLoop = Task.CompletedTask;
    private Task _writeLoop = Task.CompletedTask;
    private Task _deliveryLoop = Task.CompletedTask;
    private readonly Task _previousDelivery;
    private int _closed;

    /// <param name="previousDelivery">
    /// The delivery loop of the connection before this one. Delivery here starts only after it has ended, so the
    /// application's handler runs one message at a time, in order, across reconnects — without the reconnect having to
    /// wait for a handler (a handler may itself be waiting for a PUBACK that only the next connection can bring).
    /// </param>
    public MqttConnection(Stream stream, MqttClientOptions options, SessionState session, ILogger logger, Task? previousDelivery = null)
    {
        _previousDelivery = previousDelivery ?? Task.CompletedTask;
        _stream = stream;
        _options = options;
        _session = session;
        _logger = logger;
        _time = options.TimeProvider;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 65_536, minimumReadSize: 4096, leaveOpen: true));
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 65_536, leaveOpen: true));
        _aliases = new InboundTopicAliases(options.TopicAliasMaximum);
        Epoch = Interlocked.Increment(ref s_epochs);
        _inbound = Channel.CreateUnbounded<PublishPacket>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _publishes = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    }

    /// <summary>Distinguishes connections, so an in-flight publish is queued at most once on each (<see cref="InFlightPublish.QueuedOnEpoch"/>).</summary>
    public int Epoch { get; }

    /// <summary>Completes once when the connection has ended, with why.</summary>
    public Task<MqttDisconnectedInfo> Completion => _completion.Task;

    public bool IsOpen => Volatile.Read(ref _closed) == 0;

    /// <summary>Ends when the last message handed to the application's handler on this connection has been handled.</summary>
    public Task DeliveryCompletion => _deliveryLoop;

    /// <summary>The server's CONNACK, once received.</summary>
    public ConnAckPacket? ConnAck { get; private set; }

    /// <summary>
    /// Starts the loops, sends CONNECT and waits for CONNACK (bounded by <see cref="MqttClientOptions.ConnectTimeout"/>).
    /// A CONNACK with a reason ≥ 0x80 closes the connection [MQTT-3.2.2-7] and throws <see cref="MqttConnectException"/>.
    /// </summary>
    public async Task<ConnAckPacket> ConnectAsync(ConnectPacket connect, CancellationToken cancellationToken)
    {
        _readLoop = Task.Run(ReadLoopAsync, CancellationToken.None);
        _writeLoop = Task.Run(WriteLoopAsync, CancellationToken.None);
        _deliveryLoop = Task.Run(DeliveryLoopAsync, CancellationToken.None);
        // CONNECT is the first packet on the connection [MQTT-3.1.0-1].
        EnqueueControl(Outgoing.ForPacket(connect));
        ConnAckPacket connAck;
        try
        {
            connAck = await _connAck.Task.WaitAsync(_options.ConnectTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            Close("no CONNACK within the connect timeout", null, ex);
            throw new MqttConnectionLostException($"No CONNACK within {_options.ConnectTimeout}", ex);
        }
        catch (OperationCanceledException)
        {
            Close("connect canceled", null, null);
            throw;
        }
        if ((byte)connAck.ReasonCode >= 0x80)
        {
            Close($"server refused the connection: {connAck.ReasonCode}", null, null);
            throw new MqttConnectException(connAck.ReasonCode, connAck.Properties.ReasonString);
        }
        ConnAck = connAck;
        StartKeepAlive(connAck.Properties.ServerKeepAlive ?? connect.KeepAliveSeconds);
        return connAck;
    }

    /// <summary>Sends DISCONNECT with <paramref name="reason"/> and closes; DISCONNECT is the last packet we send [MQTT-3.14.4-1].</summary>
    public async Task DisconnectAsync(MqttDisconnectReasonCode reason, string why, CancellationToken cancellationToken, Exception? exception = null)
    {
        if (!IsOpen) return;
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        EnqueueControl(Outgoing.ForDisconnect(new DisconnectPacket { ReasonCode = reason }, written));
        try
        {
            await written.Task.WaitAsync(TimeSpan.FromSeconds(2), _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or IOException or MqttConnectionLostException)
        {
            // The connection is going away either way.
        }
        Close(why, null, exception);
    }

    /// <summary>Ends the connection once: stops the timer and the loops and closes the transport.</summary>
    public void Close(string reason, MqttDisconnectReasonCode? serverReason, Exception? exception)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1) return;
        _keepAlive?.Dispose();
        _stop.Cancel();
        _inbound.Writer.TryComplete();
        _publishes.Writer.TryComplete();
        try
        {
            _stream.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // Closing a broken transport may throw; it is closed all the same.
        }
        var lost = new MqttConnectionLostException("The MQTT connection closed: " + reason, exception);
        _connAck.TrySetException(lost);
        FailPendingWrites(lost);
        _completion.TrySetResult(new MqttDisconnectedInfo(reason, serverReason, exception));
    }

    /// <summary>
    /// Closes and waits for the reader and writer. Not for the delivery loop: it runs application code, which may be
    /// waiting on this client (a publish from inside a handler); <see cref="DeliveryCompletion"/> is awaited by whoever
    /// can unblock it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Close("disposed", null, null);
        try
        {
            await Task.WhenAll(_readLoop, _writeLoop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Loops end by exception when the transport is closed under them.
        }
        _stop.Dispose();
    }
}
