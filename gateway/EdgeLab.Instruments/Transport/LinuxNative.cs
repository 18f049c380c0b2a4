using System.Runtime.InteropServices;

namespace EdgeLab.Instruments.Transport;

/// <summary>The few libc calls the serial port and the evdev scanner need, with Linux's constants.</summary>
internal static partial class LinuxNative
{
    public const int O_RDONLY = 0x0, O_RDWR = 0x2, O_NOCTTY = 0x100, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    public const int TCIOFLUSH = 2;
    public const short POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
    public const int EINTR = 4, EIO = 5, ENOENT = 2, ENXIO = 6, EAGAIN = 11, EACCES = 13, EBUSY = 16, ENODEV = 19, EINVAL = 22, ENOTTY = 25;

    /// <summary><c>TIOCEXCL</c>: no further open(2) of this tty, so two services cannot share one analyzer cable.</summary>
    public const ulong TIOCEXCL = 0x540C;

    /// <summary>
    /// <c>TCGETS2 = _IOR('T', 0x2A, struct termios2)</c> and <c>TCSETS2 = _IOW('T', 0x2B, struct termios2)</c> with
    /// <c>sizeof(struct termios2) = 44</c>: direction in bits 30–31 (read 2, write 1), size in 16–29, type 'T' (0x54)
    /// in 8–15, number in 0–7 (include/uapi/asm-generic/ioctl.h and ioctls.h; x86-64 and arm64 use both unchanged).
    /// </summary>
    public const ulong TCGETS2 = 0x802C542A, TCSETS2 = 0x402C542B;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static unsafe partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static unsafe partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static unsafe partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    /// <summary><c>eventfd(2)</c>: a counter descriptor that wakes the poll loop (flags take O_NONBLOCK, O_CLOEXEC).</summary>
    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport("libc", EntryPoint = "tcflush", SetLastError = true)]
    public static partial int TcFlush(int fd, int queueSelector);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, ulong request, nint argument);

    /// <summary>Reads the line settings (kernel <c>struct termios2</c>); fails with ENOTTY on a non-tty.</summary>
    public static unsafe int GetTermios2(int fd, out KernelTermios2 termios)
    {
        fixed (KernelTermios2* p = &termios) return Ioctl(fd, TCGETS2, (nint)p);
    }

    /// <summary>Applies the line settings at once (like <c>tcsetattr(TCSANOW)</c>), any baud rate included.</summary>
    public static unsafe int SetTermios2(int fd, in KernelTermios2 termios)
    {
        fixed (KernelTermios2* p = &termios) return Ioctl(fd, TCSETS2, (nint)p);
    }

    [LibraryImport("libc", EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    /// <summary>The C library's text for an errno, e.g. "No such file or directory".</summary>
    public static string ErrorText(int errno) =>
        Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";
}
