using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Instruments.Transport;

/// <summary>
/// The analyzer dials the gateway (the analyzer is the TCP client). The listener stays open for the transport's
/// lifetime and keeps accepting while a connection is served; each <see cref="OpenAsync"/> hands out the newest
/// connection. One connection is served at a time, and the newest wins.
/// </summary>
/// <remarks>
/// An analyzer that was power-cycled reconnects while its old connection still looks open to us: no FIN ever
/// arrived, and keep-alive would take minutes to notice. Waiting for that would leave the analyzer's new connection
/// in the backlog and its messages unanswered (it times out after 15 s, LIS01-A2 §6.5.2). So a new connection
/// replaces the old one at once: the old socket is closed, the session reading it ends with an <see cref="IOException"/>
/// naming the replacement (the runner reports link down), and the next <see cref="OpenAsync"/> returns the new one
/// without a backoff delay (<see cref="IInstrumentTransport.HasWaitingConnection"/>), reported link up.
/// </remarks>
public sealed class TcpServerTransport : IInstrumentTransport
{
    private readonly IPEndPoint _endPoint;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Channel<Socket> _accepted = Channel.CreateUnbounded<Socket>();
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private Task? _acceptLoop;
    private ServedConnection? _current;

    public TcpServerTransport(IPEndPoint endPoint, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        _endPoint = endPoint;
        _logger = logger ?? NullLogger.Instance;
    }

    public TcpServerTransport(int port)
        : this(new IPEndPoint(IPAddress.Loopback, port))
    {
    }

    /// <summary>The bound address once listening, else the configured one: never throws, so a port in use can be reported.</summary>
    public string Description
    {
        get
        {
            lock (_gate)
            {
                return $"tcp-server {_listener?.LocalEndPoint ?? _endPoint}";
            }
        }
    }

    /// <summary>The bound address; starts listening if not yet started (so a port of 0 can be read back).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)EnsureListening().LocalEndPoint!;

    /// <inheritdoc />
    public bool HasWaitingConnection => _accepted.Reader.Count > 0;

    /// <inheritdoc />
    public bool WaitsForConnections => true;

    /// <inheritdoc />
    public void Listen() => EnsureListening();

    public async ValueTask<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        EnsureAccepting();
        Socket socket;
        try
        {
            socket = await _accepted.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw new IOException($"listener on {_endPoint} was closed", e);
        }
        // Several connections arrived while none was being served: only the newest is the analyzer's live one.
        while (_accepted.Reader.TryRead(out var newer))
        {
            socket.Dispose();
            socket = newer;
        }
        lock (_gate)
        {
            var connection = new ServedConnection(socket);
            _current = connection;
            return connection;
        }
    }

    private void EnsureAccepting()
    {
        var listener = EnsureListening();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            _acceptLoop ??= Task.Run(() => AcceptLoopAsync(listener, _stop.Token));
        }
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken cancellationToken)
    {
        var description = $"tcp-server {listener.LocalEndPoint}";
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException e)
            {
                // Out of descriptors, a connection reset before accept…: the listener itself is fine; try again shortly.
                TransportLog.AcceptFailed(_logger, description, e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            socket.NoDelay = true;
            TcpKeepAlive.Enable(socket);
            var remote = socket.RemoteEndPoint?.ToString() ?? "?";
            ServedConnection? old;
            lock (_gate)
            {
                old = _current is { IsClosed: false } c ? c : null;
            }
            // Queued before the old one is closed, so the runner finds it waiting when the old session ends.
            _accepted.Writer.TryWrite(socket);
            if (old is not null)
            {
                TransportLog.ConnectionReplaced(_logger, description, remote, old.Remote);
                old.Replace($"replaced by a new connection from {remote}: the analyzer reconnected while its connection from {old.Remote} was still open (restarted without closing it)");
            }
        }
        _accepted.Writer.TryComplete();
        while (_accepted.Reader.TryRead(out var left)) left.Dispose();
    }

    private Socket EnsureListening()
    {
        lock (_gate)
        {
            if (_listener is not null) return _listener;
            var socket = new Socket(_endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(_endPoint);
                socket.Listen(4);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw new LinkOpenException(e.SocketErrorCode == SocketError.AddressAlreadyInUse ? LinkDownKind.PortInUse : LinkDownKind.Other, e.SocketErrorCode == SocketError.AddressAlreadyInUse
                    ? $"port {_endPoint.Port} on {_endPoint.Address} is already in use: another gateway instrument or program listens there; pick a free port in the instrument config"
                    : $"cannot listen on {_endPoint}: {e.Message}", e);
            }
            _listener = socket;
            return socket;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_gate)
        {
            if (_stop.IsCancellationRequested) return;
            _stop.Cancel();
            _listener?.Dispose();
            _listener = null;
            loop = _acceptLoop;
        }
        if (loop is not null) await loop.ConfigureAwait(false);
        _accepted.Writer.TryComplete();
        while (_accepted.Reader.TryRead(out var left)) left.Dispose();
        _stop.Dispose();
    }

    /// <summary>
    /// The stream of one served connection. When a newer connection replaces it, reads and writes fail with an
    /// <see cref="IOException"/> that says so, instead of whatever the closed socket would report.
    /// </summary>
    private sealed class ServedConnection(Socket socket) : NetworkStream(socket, ownsSocket: true)
    {
        private volatile string? _replacedBecause;
        private volatile bool _closed;

        public string Remote { get; } = socket.RemoteEndPoint?.ToString() ?? "?";

        public bool IsClosed => _closed;

        public void Replace(string reason)
        {
            _replacedBecause = reason;
            try
            {
                Socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already gone: the reader sees the end either way.
            }
            Socket.Close();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n;
            try
            {
                n = await base.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (_replacedBecause is { } reason && e is IOException or ObjectDisposedException or SocketException)
            {
                throw new IOException(reason, e);
            }
            if (n == 0 && _replacedBecause is { } why) throw new IOException(why);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                await base.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (_replacedBecause is { } reason && e is IOException or ObjectDisposedException or SocketException)
            {
                throw new IOException(reason, e);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        protected override void Dispose(bool disposing)
        {
            _closed = true;
            base.Dispose(disposing);
        }
    }
}
