using System.Runtime.InteropServices;

namespace EdgeLab.Instruments.Transport;

/// <summary>
/// A duplex <see cref="Stream"/> over a non-blocking tty descriptor. Asynchronous reads and writes try the system
/// call first and, on EAGAIN, wait for readiness in the process's one <see cref="DescriptorPoller"/> thread, so no
/// thread is held while an analyzer is silent (synchronous calls wait in poll(2) in <see cref="PollSliceMs"/> slices).
/// A hang-up (adapter unplugged, pty peer gone) becomes an <see cref="IOException"/> that says so. The descriptor is
/// closed once, after the last in-flight call has left it, so a recycled fd number is never touched.
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
    private readonly CancellationTokenSource _closing = new();

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

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        var fd = Enter();
        try
        {
            using var wait = WaitToken(cancellationToken);
            var readable = false;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ObjectDisposedException.ThrowIf(_disposed, this);
                var n = TryRead(fd, buffer.Span, readable);
                if (n >= 0) return n;
                var events = await WaitReadyAsync(fd, LinuxNative.POLLIN, wait, cancellationToken).ConfigureAwait(false);
                if ((events & LinuxNative.POLLIN) == 0) throw HungUp();
                readable = true;
            }
        }
        finally
        {
            Leave();
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => WriteCore(buffer.AsSpan(offset, count), CancellationToken.None);

    public override void Write(ReadOnlySpan<byte> buffer) => WriteCore(buffer, CancellationToken.None);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var fd = Enter();
        try
        {
            using var wait = WaitToken(cancellationToken);
            while (!buffer.IsEmpty)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ObjectDisposedException.ThrowIf(_disposed, this);
                var n = TryWrite(fd, buffer.Span);
                if (n > 0)
                {
                    buffer = buffer[n..];
                    continue;
                }
                // Output buffer full (flow control holding us, or a slow line): wait until the driver drains.
                var events = await WaitReadyAsync(fd, LinuxNative.POLLOUT, wait, cancellationToken).ConfigureAwait(false);
                if ((events & LinuxNative.POLLOUT) == 0) throw HungUp();
            }
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>The caller's token joined with this stream's closing, so Dispose ends a pending wait at once.</summary>
    private CancellationTokenSource WaitToken(CancellationToken cancellationToken) =>
        CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);

    private async Task<short> WaitReadyAsync(int fd, short events, CancellationTokenSource wait, CancellationToken callerToken)
    {
        try
        {
            return await DescriptorPoller.Shared.WaitAsync(fd, events, wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(GetType().Name, $"{_kind} {_path} was closed while waiting");
        }
    }

    /// <summary>read(2) once: the byte count, or -1 when nothing is there yet (EAGAIN/EINTR).</summary>
    /// <param name="pollSaidReadable">Whether poll(2) just reported POLLIN: then 0 bytes means end of file.</param>
    private unsafe int TryRead(int fd, Span<byte> buffer, bool pollSaidReadable)
    {
        nint n;
        fixed (byte* p = buffer) n = LinuxNative.Read(fd, p, buffer.Length);
        if (n > 0) return (int)n;
        // With VMIN = VTIME = 0 a tty read returns 0 at once when its queue is empty (termios(3), "MIN == 0,
        // TIME == 0"), so 0 is only end of file (the other side gone) when poll(2) had said there was something.
        if (n == 0)
        {
            if (pollSaidReadable) throw HungUp();
            return -1;
        }
        var errno = Marshal.GetLastPInvokeError();
        if (errno is LinuxNative.EAGAIN or LinuxNative.EINTR) return -1;
        throw errno == LinuxNative.EIO ? HungUp() : new IOException($"reading {_path} failed: {LinuxNative.ErrorText(errno)}");
    }

    /// <summary>write(2) once: the bytes taken, or 0 when the output queue is full (EAGAIN/EINTR).</summary>
    private unsafe int TryWrite(int fd, ReadOnlySpan<byte> buffer)
    {
        nint n;
        fixed (byte* p = buffer) n = LinuxNative.Write(fd, p, buffer.Length);
        if (n > 0) return (int)n;
        var errno = Marshal.GetLastPInvokeError();
        if (errno is LinuxNative.EAGAIN or LinuxNative.EINTR) return 0;
        throw errno == LinuxNative.EIO ? HungUp() : new IOException($"writing {_path} failed: {LinuxNative.ErrorText(errno)}");
    }

    public override void Flush()
    {
        // write(2) hands bytes straight to the tty driver; there is no user-space buffer to flush.
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private int ReadCore(Span<byte> buffer, CancellationToken cancellationToken)
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
                if ((events & LinuxNative.POLLIN) == 0) throw HungUp();
                var n = TryRead(fd, buffer, pollSaidReadable: true);
                if (n >= 0) return n;
            }
        }
        finally
        {
            Leave();
        }
    }

    private void WriteCore(ReadOnlySpan<byte> buffer, CancellationToken cancellationToken)
    {
        var fd = Enter();
        try
        {
            while (!buffer.IsEmpty)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var n = TryWrite(fd, buffer);
                if (n > 0)
                {
                    buffer = buffer[n..];
                    continue;
                }
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
        // Outside the lock: cancelling completes pending waits, whose readers then Leave() and close the descriptor.
        _closing.Cancel();
        base.Dispose(disposing);
    }
}
