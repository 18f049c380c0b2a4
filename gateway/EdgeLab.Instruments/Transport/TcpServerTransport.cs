using System.Net;
using System.Net.Sockets;

namespace EdgeLab.Instruments.Transport;

/// <summary>
/// The analyzer dials the gateway (the analyzer is the TCP client). The listener stays open for the transport's
/// lifetime; each <see cref="OpenAsync"/> accepts the next instrument connection, so one connection is served at a
/// time. When an analyzer reconnects while its previous connection is still being served (it was power-cycled and
/// the old socket never saw a FIN), the new connection waits in the backlog until keep-alive or the session ends
/// the old one.
/// </summary>
public sealed class TcpServerTransport : IInstrumentTransport
{
    private readonly IPEndPoint _endPoint;
    private readonly object _gate = new();
    private Socket? _listener;

    public TcpServerTransport(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        _endPoint = endPoint;
    }

    public TcpServerTransport(int port)
        : this(new IPEndPoint(IPAddress.Loopback, port))
    {
    }

    public string Description => $"tcp-server {LocalEndPoint}";

    /// <summary>The bound address; starts listening if not yet started (so a port of 0 can be read back).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)EnsureListening().LocalEndPoint!;

    public async ValueTask<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        var listener = EnsureListening();
        try
        {
            var socket = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            socket.NoDelay = true;
            TcpKeepAlive.Enable(socket);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e)
        {
            throw new IOException($"accepting an instrument connection on {_endPoint} failed: {e.Message}", e);
        }
        catch (ObjectDisposedException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"listener on {_endPoint} was closed", e);
        }
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
                socket.Listen(1);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw new IOException(e.SocketErrorCode == SocketError.AddressAlreadyInUse
                    ? $"port {_endPoint.Port} on {_endPoint.Address} is already in use: another gateway instrument or program listens there; pick a free port in the instrument config"
                    : $"cannot listen on {_endPoint}: {e.Message}", e);
            }
            _listener = socket;
            return socket;
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _listener?.Dispose();
            _listener = null;
        }
        return ValueTask.CompletedTask;
    }
}
