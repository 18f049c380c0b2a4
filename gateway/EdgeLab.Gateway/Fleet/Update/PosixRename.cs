using System.Runtime.InteropServices;

namespace EdgeLab.Gateway.Fleet.Update;

/// <summary>
/// rename(2) and a directory fsync(2), which .NET does not offer: <c>File.Move</c> refuses a symlink whose target is a
/// directory (it checks the source as a file), and no .NET API opens a directory to fsync it.
/// </summary>
internal static partial class PosixRename
{
    private const int ReadOnly = 0; // O_RDONLY
    private const int Directory = 0x10000; // O_DIRECTORY (Linux, x86-64 and aarch64 alike)
    private const int CloseOnExec = 0x80000; // O_CLOEXEC

    /// <summary>
    /// Replaces <paramref name="to"/> with <paramref name="from"/> in one step: "If newpath already exists, it will be
    /// atomically replaced, so that there is no point at which another process attempting to access newpath will find
    /// it missing" (rename(2)); a symlink is renamed itself, never followed. Then fsyncs the directory so the new entry
    /// is on the card before the caller reports success.
    /// </summary>
    public static void ReplaceDurably(string from, string to, string directory)
    {
        if (Rename(from, to) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"rename {from} → {to}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
        var fd = Open(directory, ReadOnly | Directory | CloseOnExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"open {directory} for fsync: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
        try
        {
            if (Fsync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"fsync {directory}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Rename(string from, string to);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
