namespace EdgeLab.Instruments.Transport;

/// <summary>
/// How the gateway reaches one instrument: a serial line, or TCP as client or server. It yields a duplex byte
/// stream and nothing else, so no protocol code names a port or a socket (STYLE.md).
/// </summary>
public interface IInstrumentTransport : IAsyncDisposable
{
    /// <summary>For logs and status, e.g. <c>serial /dev/serial/by-id/usb-FTDI… 9600 8N1</c> or <c>tcp-server 127.0.0.1:5001</c>.</summary>
    string Description { get; }

    /// <summary>
    /// Opens the serial device, connects, or accepts the next connection, and returns the byte stream. Throws an
    /// <see cref="IOException"/> that names the cause when it cannot (device missing, refused…); the caller retries with backoff.
    /// </summary>
    ValueTask<Stream> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// True when <see cref="OpenAsync"/> would return at once with a connection the instrument already made (a TCP
    /// server that accepted a reconnect): the runner then reopens without a backoff delay.
    /// </summary>
    bool HasWaitingConnection => false;

    /// <summary>
    /// True when <see cref="OpenAsync"/> waits for the instrument to dial in (a TCP server). A connection that ends is
    /// then the analyzer's normal rhythm — many connect once per message — not a failure: the runner shows the link as
    /// waiting and accepts the next connection at once; only failing to listen (port in use, bind error) backs off.
    /// </summary>
    bool WaitsForConnections => false;

    /// <summary>
    /// For a transport that <see cref="WaitsForConnections"/>: bind and listen now, so the runner can report "waiting"
    /// before the first connection. Throws an <see cref="IOException"/> naming the port and the fix when it cannot.
    /// </summary>
    void Listen()
    {
    }
}
