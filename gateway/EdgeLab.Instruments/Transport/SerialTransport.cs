namespace EdgeLab.Instruments.Transport;

/// <summary>
/// An RS-232/USB serial line on Linux through termios2 ioctls (any baud rate). System.IO.Ports was measured and not
/// taken: after an unplug it does not notice the hang-up and its <c>Close()</c> can hang (gateway/ARCHITECTURE.md). Each
/// <see cref="OpenAsync"/> resolves the configured path (so <c>/dev/serial/by-id/…</c> finds the adapter again
/// after a replug under a new <c>ttyUSBn</c>), opens it exclusively, applies the line settings and returns a
/// <see cref="Stream"/> over the descriptor. A vanished adapter surfaces as an <see cref="IOException"/> from the
/// stream; <see cref="InstrumentLinkRunner"/> then reopens with backoff.
/// </summary>
public sealed class SerialTransport : IInstrumentTransport
{
    private readonly SerialPortSettings _settings;

    public SerialTransport(SerialPortSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
    }

    public string Description => $"serial {_settings}";

    public SerialPortSettings Settings => _settings;

    public ValueTask<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<Stream>(Open());
    }

    /// <summary>Opens the device synchronously (open(2) and the TCSETS2 ioctl do not block with O_NONBLOCK).</summary>
    public SerialStream Open()
    {
        var device = ResolveDevice(_settings.Path);
        var fd = LinuxNative.Open(device, LinuxNative.O_RDWR | LinuxNative.O_NOCTTY | LinuxNative.O_NONBLOCK | LinuxNative.O_CLOEXEC);
        if (fd < 0) throw OpenError(System.Runtime.InteropServices.Marshal.GetLastPInvokeError(), device);
        try
        {
            if (LinuxNative.GetTermios2(fd, out var termios) != 0)
            {
                var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                if (IsGoingAway(errno)) throw NotFound(_settings.Path);
                throw new IOException(errno == LinuxNative.ENOTTY
                    ? $"{_settings.Path} is not a serial device (TCGETS2: {LinuxNative.ErrorText(errno)}): check the path points at a tty such as /dev/ttyUSB0"
                    : $"cannot read the line settings of {_settings.Path}: {LinuxNative.ErrorText(errno)}");
            }
            _settings.ApplyTo(ref termios);
            if (LinuxNative.SetTermios2(fd, termios) != 0)
            {
                var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                if (IsGoingAway(errno)) throw NotFound(_settings.Path);
                throw new IOException($"cannot apply {_settings} to {_settings.Path}: {LinuxNative.ErrorText(errno)}: check baud/parity are supported by the adapter");
            }
            // Exclusive use: a second process (a stray terminal program, another gateway) must not steal bytes.
            _ = LinuxNative.Ioctl(fd, LinuxNative.TIOCEXCL, 0);
            // Whatever sat in the buffers belongs to a previous session; the link protocol restarts cleanly (LIS01-A2 §6.1 neutral state).
            _ = LinuxNative.TcFlush(fd, LinuxNative.TCIOFLUSH);
            return new SerialStream(fd, _settings.Path);
        }
        catch
        {
            LinuxNative.Close(fd);
            throw;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Follows symlinks such as <c>/dev/serial/by-id/usb-FTDI…</c> or a socat <c>link=</c> to the real device node.</summary>
    internal static string ResolveDevice(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is null)
            {
                if (!info.Exists && !Directory.Exists(path)) throw NotFound(path);
                return info.FullName;
            }
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !target.Exists) throw NotFound(path);
            return target.FullName;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new LinkOpenException(LinkDownKind.PermissionDenied, $"serial device {path} cannot be inspected: {e.Message}: add the gateway user to the dialout group", e);
        }
    }

    private static IOException NotFound(string path) =>
        new FileNotFoundException($"serial device {path} not found: is the adapter plugged in? check ls -l /dev/serial/by-id", path);

    /// <summary>
    /// ENODEV/ENXIO/EIO from open or an ioctl: the node is going away (a USB adapter pulled, a pty whose other end just
    /// closed). To the technician that is the cable gone, not an unknown I/O error.
    /// </summary>
    private static bool IsGoingAway(int errno) => errno is LinuxNative.ENODEV or LinuxNative.ENXIO or LinuxNative.EIO;

    private IOException OpenError(int errno, string device) => errno switch
    {
        _ when errno == LinuxNative.ENOENT || IsGoingAway(errno) => NotFound(_settings.Path),
        LinuxNative.EACCES => new LinkOpenException(LinkDownKind.PermissionDenied, $"permission denied opening serial device {device}: add the gateway user to the dialout group"),
        LinuxNative.EBUSY => new LinkOpenException(LinkDownKind.PortInUse, $"serial device {device} is in use by another program: close it (check with fuser {device})"),
        _ => new IOException($"cannot open serial device {device}: {LinuxNative.ErrorText(errno)}"),
    };
}
