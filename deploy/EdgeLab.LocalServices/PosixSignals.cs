using System.Runtime.InteropServices;

namespace EdgeLab.LocalServices;

/// <summary>kill(2) for the signals the tests use: SIGSTOP freezes a broker, SIGKILL simulates a crash.</summary>
public static partial class PosixSignals
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);

    public static bool Kill(int pid, int signal) => KillNative(pid, signal) == 0;
}
