using System.Net.Sockets;

namespace EdgeLab.Instruments.Transport;

/// <summary>
/// The gateway dials the analyzer (the analyzer is the TCP server, as on many chemistry analyzers' "LIS host port").
/// Each <see cref="OpenAsync"/> makes one fresh connection.
/// </summary>
public sealed class TcpClientTransport : IInstrumentTransport
{
    private readonly string _host;
    private readonly int _port;
    private readonly TimeSpan _connectTimeout;

    public TcpClientTransport(string host, int port, TimeSpan? connectTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        _host = host;
        _port = port;
        _connectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10);
    }

    public string Description => $"tcp-client {_host}:{_port}";

    public async ValueTask<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_connectTimeout);
        try
        {
            await socket.ConnectAsync(_host, _port, timeout.Token).ConfigureAwait(false);
            TcpKeepAlive.Enable(socket);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new LinkOpenException(LinkDownKind.Unreachable, $"connecting to {_host}:{_port} timed out after {_connectTimeout.TotalSeconds:0} s: is the analyzer on the network? check its IP address and cabling");
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException(e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => $"connection to {_host}:{_port} refused: is the analyzer's LIS port enabled and listening? check host and port in the instrument config",
                SocketError.HostNotFound or SocketError.NoData => $"host {_host} not found: check the analyzer's address in the instrument config",
                SocketError.HostUnreachable or SocketError.NetworkUnreachable => $"{_host}:{_port} unreachable: check the network cable and the gateway's IP settings",
                _ => $"connecting to {_host}:{_port} failed: {e.Message}",
            }, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
