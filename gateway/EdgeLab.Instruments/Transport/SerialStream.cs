using System.Runtime.InteropServices;

namespace EdgeLab.Instruments.Transport;

/// <summary>
/// A duplex <see cref="Stream"/> over a non-blocking tty descriptor. Reads wait in poll(2) in short slices so a
/// cancellation token ends them within <see cref="PollSliceMs"/>; a hang-up (adapter unplugged, pty peer gone)
/// becomes an <see cref="IOException"/> that says so. The descriptor is closed once, after the last in-flight
/// call has left it, so a recycled fd number is never touched.
/// </summary>
public sealed class SerialStream : Stream
{
    internal const int PollSliceMs = 100;
    private readonly object _gate = new();
    private readonly string _path;
    private readonly string _kind;
    private int _fd;
    private int _active;
    private volatile bool _disposed;

    /// <param name="kind">What the device is, for error messages: <c>serial device</c>, <c>input device</c>.</param>
    internal SerialStream(int fd, string path, string kind = "serial device")
    {
        _fd = fd;
        _path = path;
        _kind = kind;
    }

    /// <summary>The open descriptor (for tests that read the applied termios back); -1 once closed.</summary>
    internal int FileDescriptor => _fd;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadCore(buffer.AsSpan(offset, count), CancellationToken.None);

    public override int Read(Span<byte> buffer) => ReadCore(buffer, CancellationToken.None);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return ValueTask.FromResult(0);
        // poll(2) blocks its thread for at most one slice at a time; run it off the caller's thread.
        return new ValueTask<int>(Task.Run(() => ReadCore(buffer.Span, cancellationToken), cancellationToken));
    }

    public override void Write(byte[] buffer, int offset, int count) => WriteCore(buffer.AsSpan(offset, count), CancellationToken.None);

    public override void Write(ReadOnlySpan<byte> buffer) => WriteCore(buffer, CancellationToken.None);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        WriteCore(buffer.Span, cancellationToken);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
        // write(2) hands bytes straight to the tty driver; there is no user-space buffer to flush.
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private unsafe int ReadCore(Span<byte> buffer, CancellationToken cancellationToken)
    {
        var fd = Enter();
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ObjectDisposedException.ThrowIf(_disposed, this);
                var events = WaitFor(fd, LinuxNative.POLLIN);
                if (events == 0) continue;
                if ((events & LinuxNative.POLLIN) != 0)
                {
                    nint n;
                    fixed (byte* p = buffer) n = LinuxNative.Read(fd, p, buffer.Length);
                    if (n > 0) return (int)n;
                    if (n == 0) throw HungUp();
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno is LinuxNative.EAGAIN or LinuxNative.EINTR) continue;
                    throw errno == LinuxNative.EIO ? HungUp() : new IOException($"reading {_path} failed: {LinuxNative.ErrorText(errno)}");
                }
                throw HungUp();
            }
        }
        finally
        {
            Leave();
        }
    }

    private unsafe void WriteCore(ReadOnlySpan<byte> buffer, CancellationToken cancellationToken)
    {
        var fd = Enter();
        try
        {
            while (!buffer.IsEmpty)
            {
                cancellationToken.ThrowIfCancellationRequested();
                nint n;
                fixed (byte* p = buffer) n = LinuxNative.Write(fd, p, buffer.Length);
                if (n > 0)
                {
                    buffer = buffer[(int)n..];
                    continue;
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno == LinuxNative.EINTR) continue;
                if (errno != LinuxNative.EAGAIN)
                    throw errno == LinuxNative.EIO ? HungUp() : new IOException($"writing {_path} failed: {LinuxNative.ErrorText(errno)}");
                // Output buffer full (flow control holding us, or a slow line): wait until the driver drains.
                var events = WaitFor(fd, LinuxNative.POLLOUT);
                if ((events & (LinuxNative.POLLHUP | LinuxNative.POLLERR | LinuxNative.POLLNVAL)) != 0) throw HungUp();
            }
        }
        finally
        {
            Leave();
        }
    }

    private static unsafe short WaitFor(int fd, short what)
    {
        var pfd = new LinuxNative.PollFd { Fd = fd, Events = what };
        var rc = LinuxNative.Poll(&pfd, 1, PollSliceMs);
        if (rc < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == LinuxNative.EINTR) return 0;
            throw new IOException($"poll on a device failed: {LinuxNative.ErrorText(errno)}");
        }
        return rc == 0 ? (short)0 : pfd.Revents;
    }

    private IOException HungUp() =>
        new($"{_kind} {_path} hung up: the USB device was unplugged or the other end closed; check the cable and /dev/serial/by-id (or /dev/input/by-id)");

    private int Enter()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _active++;
            return _fd;
        }
    }

    private void Leave()
    {
        lock (_gate)
        {
            _active--;
            if (_disposed && _active == 0) CloseFd();
        }
    }

    private void CloseFd()
    {
        if (_fd >= 0)
        {
            LinuxNative.Close(_fd);
            _fd = -1;
        }
    }

    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _disposed = true;
                if (_active == 0) CloseFd();
            }
        }
        base.Dispose(disposing);
    }
}
