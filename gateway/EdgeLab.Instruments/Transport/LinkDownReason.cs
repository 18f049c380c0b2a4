namespace EdgeLab.Instruments.Transport;

/// <summary>Why an instrument's link is not up, as the transport knows it (not parsed back out of message text).</summary>
public enum LinkDownKind
{
    /// <summary>The serial device is not there (ENOENT/ENODEV/ENXIO: adapter unplugged, wrong path).</summary>
    PortMissing,
    /// <summary>The gateway may not open the device (EACCES: not in the dialout group).</summary>
    PermissionDenied,
    /// <summary>Another program holds the serial device (EBUSY) or listens on the TCP port (EADDRINUSE).</summary>
    PortInUse,
    /// <summary>The gateway dials the analyzer (tcp-client) and gets no answer: refused, timed out, unreachable, unknown host.</summary>
    Unreachable,
    /// <summary>The analyzer ended the connection in order (end of stream: TCP FIN, serial hang-up).</summary>
    PeerClosed,
    /// <summary>The connection failed under the session (reset, I/O error, cable pulled mid-transfer).</summary>
    ConnectionLost,
    /// <summary>The instrument's pipeline could not be built (profile, transport settings).</summary>
    CannotStart,
    /// <summary>The gateway itself is stopping: not a problem to show.</summary>
    GatewayStopping,
    /// <summary>Anything else; the detail says what.</summary>
    Other,
}

/// <summary>A typed link-down reason: its <see cref="Kind"/> for status and advice, its <see cref="Detail"/> for logs and events.</summary>
public sealed record LinkDownReason(LinkDownKind Kind, string Detail)
{
    public override string ToString() => Detail;

    /// <summary>Why opening the transport (<paramref name="description"/>) failed, from the exception it threw.</summary>
    public static LinkDownReason OpenFailed(Exception e, string description) => new(KindOf(e), $"cannot open {description}: {e.Message}");

    private static LinkDownKind KindOf(Exception e) => e switch
    {
        LinkOpenException o => o.Kind,
        FileNotFoundException or DirectoryNotFoundException => LinkDownKind.PortMissing,
        UnauthorizedAccessException => LinkDownKind.PermissionDenied,
        { InnerException: System.Net.Sockets.SocketException s } => KindOf(s),
        System.Net.Sockets.SocketException s => s.SocketErrorCode switch
        {
            System.Net.Sockets.SocketError.AddressAlreadyInUse => LinkDownKind.PortInUse,
            System.Net.Sockets.SocketError.ConnectionReset or System.Net.Sockets.SocketError.ConnectionAborted => LinkDownKind.ConnectionLost,
            System.Net.Sockets.SocketError.ConnectionRefused or System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData
                or System.Net.Sockets.SocketError.HostUnreachable or System.Net.Sockets.SocketError.NetworkUnreachable
                or System.Net.Sockets.SocketError.TimedOut => LinkDownKind.Unreachable,
            _ => LinkDownKind.Other,
        },
        _ => LinkDownKind.Other,
    };
}

/// <summary>An open failure whose kind the transport knows exactly (an errno, a socket error, a connect timeout).</summary>
public sealed class LinkOpenException(LinkDownKind kind, string message, Exception? inner = null) : IOException(message, inner)
{
    public LinkDownKind Kind { get; } = kind;
}
