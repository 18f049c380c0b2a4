using System.Runtime.InteropServices;
using EdgeLab.Instruments.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Instruments.Scanner;

/// <summary>
/// A USB HID "keyboard" barcode scanner read through Linux evdev: opens <c>/dev/input/eventN</c> (better: the stable
/// <c>/dev/input/by-id/usb-…-event-kbd</c> link) and grabs it exclusively (EVIOCGRAB), so scans do not also type
/// into whatever console has focus. The stream yields raw <c>struct input_event</c> bytes for
/// <see cref="EvdevScanDecoder"/>. Run it under <see cref="InstrumentLinkRunner"/> with an
/// <see cref="EvdevScannerSession"/> and an unplugged scanner comes back by itself.
/// </summary>
/// <remarks>
/// A path that is not an evdev device (a FIFO or pty replaying a recorded event stream, as the tests and a bench do)
/// refuses EVIOCGRAB with ENOTTY or EINVAL: that is logged and the stream is read anyway, since nothing else can be
/// typing into it. A grab refused with EBUSY (another program holds the scanner) is an error: reading beside the
/// holder would lose scans to it.
/// </remarks>
public sealed class EvdevTransport(string path, ILogger? logger = null) : IInstrumentTransport
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary><c>EVIOCGRAB = _IOW('E', 0x90, int)</c>: direction write (1) &lt;&lt; 30 | size 4 &lt;&lt; 16 | 'E' &lt;&lt; 8 | 0x90.</summary>
    internal const ulong EVIOCGRAB = (1UL << 30) | (4UL << 16) | ((ulong)'E' << 8) | 0x90;

    public string Description => $"evdev {path}";

    public ValueTask<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string device;
        try
        {
            device = SerialTransport.ResolveDevice(path);
        }
        catch (FileNotFoundException)
        {
            throw new FileNotFoundException($"scanner input device {path} not found: is the scanner plugged in? check ls -l /dev/input/by-id", path);
        }
        var fd = LinuxNative.Open(device, LinuxNative.O_RDONLY | LinuxNative.O_NONBLOCK | LinuxNative.O_CLOEXEC);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException(errno == LinuxNative.EACCES
                ? $"permission denied opening scanner {device}: add the gateway user to the input group (or a udev rule for the scanner)"
                : $"cannot open scanner {device}: {LinuxNative.ErrorText(errno)}");
        }
        if (LinuxNative.Ioctl(fd, EVIOCGRAB, 1) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is LinuxNative.ENOTTY or LinuxNative.EINVAL)
            {
                ScannerLog.NotGrabbed(_logger, device, LinuxNative.ErrorText(errno));
                return ValueTask.FromResult<Stream>(new SerialStream(fd, path, "input device"));
            }
            LinuxNative.Close(fd);
            throw new IOException(errno == LinuxNative.EBUSY
                ? $"scanner {device} is grabbed by another program: stop it (another gateway, a kiosk app) and retry"
                : $"cannot grab scanner {device} (EVIOCGRAB): {LinuxNative.ErrorText(errno)}: is it an evdev input device (/dev/input/eventN)?");
        }
        // Closing the descriptor releases the grab.
        return ValueTask.FromResult<Stream>(new SerialStream(fd, path, "input device"));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
