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
}
