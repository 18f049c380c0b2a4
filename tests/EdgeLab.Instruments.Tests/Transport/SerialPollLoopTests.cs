using System.Diagnostics;
using System.Text;
using EdgeLab.Instruments.Transport;
using EdgeLab.LocalServices;
using Xunit.Abstractions;

namespace EdgeLab.Instruments.Tests.Transport;

/// <summary>
/// What the termios transport takes from System.IO.Ports: any baud rate (termios2 / BOTHER) and no thread held per
/// silent port (one poll loop). Over real socat pseudo-terminals.
/// </summary>
public sealed class SerialPollLoopTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(250_000)]
    [InlineData(31_250)]
    public async Task A_non_standard_baud_rate_is_set_with_BOTHER_and_read_back_by_TCGETS2_and_stty(int baud)
    {
        await using var cable = await SocatPtyPair.StartAsync();
        await using var port = new SerialTransport(new SerialPortSettings(cable.GatewayEnd, baud)).Open();

        Assert.Equal(0, LinuxNative.GetTermios2(port.FileDescriptor, out var t));
        Assert.Equal(KernelTermios2.BOTHER, t.ControlFlags & KernelTermios2.CBAUD);
        Assert.Equal((uint)baud, t.OutputSpeed);
        Assert.Equal((uint)baud, t.InputSpeed);

        // An independent reader of the same kernel state: Python's own TCGETS2 ioctl (root may open a TIOCEXCL tty).
        // stty cannot be that check here: coreutils 9.1 on glibc 2.36 reads speeds through tcgetattr, which knows
        // only the Bnnnn codes and prints "speed 0 baud" for BOTHER (glibc 2.42 reads arbitrary speeds).
        var speeds = await RunAsync("/usr/bin/python3", "-c", ReadSpeedsWithPython, cable.GatewayEnd);
        Assert.Equal($"{baud} {baud}", speeds.Trim());
    }

    [Fact]
    public async Task A_standard_baud_rate_keeps_its_B_code()
    {
        await using var cable = await SocatPtyPair.StartAsync();
        await using var port = new SerialTransport(new SerialPortSettings(cable.GatewayEnd, 19200)).Open();
        Assert.Equal(0, LinuxNative.GetTermios2(port.FileDescriptor, out var t));
        Assert.Equal(KernelTermios2.SpeedCode(19200), t.ControlFlags & KernelTermios2.CBAUD);
        Assert.Contains("speed 19200 baud", await RunAsync("stty", "-F", cable.GatewayEnd), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eight_silent_ports_wait_in_one_poll_thread_not_in_eight_pool_threads()
    {
        const int ports = 8;
        var cables = new List<SocatPtyPair>();
        var streams = new List<SerialStream>();
        var analyzers = new List<SerialStream>();
        try
        {
            for (var i = 0; i < ports; i++)
            {
                var cable = await SocatPtyPair.StartAsync();
                cables.Add(cable);
                streams.Add(new SerialTransport(new SerialPortSettings(cable.GatewayEnd, 9600)).Open());
                analyzers.Add(new SerialTransport(new SerialPortSettings(cable.InstrumentEnd, 9600)).Open());
            }
            var threadsBefore = Process.GetCurrentProcess().Threads.Count;
            var pendingBefore = DescriptorPoller.Shared.PendingWaits;
            var buffers = streams.Select(_ => new byte[64]).ToList();
            var reads = streams.Select((s, i) => s.ReadAsync(buffers[i]).AsTask()).ToList();
            await WaitUntilAsync(() => DescriptorPoller.Shared.PendingWaits >= pendingBefore + ports);
            var threadsWaiting = Process.GetCurrentProcess().Threads.Count;
            output.WriteLine($"{ports} ports with a pending ReadAsync: process threads {threadsBefore} -> {threadsWaiting}, " +
                $"busy pool threads {BusyPoolThreads()}, queued {ThreadPool.PendingWorkItemCount}, poll threads started {DescriptorPoller.ThreadsStarted}, " +
                $"waits parked in the poll loop {DescriptorPoller.Shared.PendingWaits}");

            Assert.Equal(1, DescriptorPoller.ThreadsStarted);
            Assert.All(reads, r => Assert.False(r.IsCompleted));

            // Each port still gets its own bytes, and a wait that completes leaves the set.
            for (var i = 0; i < ports; i++) await analyzers[i].WriteAsync(Encoding.ASCII.GetBytes($"port{i}"));
            for (var i = 0; i < ports; i++)
            {
                var n = await reads[i].WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Equal($"port{i}"[..n], Encoding.ASCII.GetString(buffers[i], 0, n));
            }

            // For comparison, what ReadAsync did before the poll loop: Task.Run around the blocking read (poll(2) in
            // 100 ms slices), which holds one pool thread per silent port. Printed only; timing is the pool's.
            var busyBefore = BusyPoolThreads();
            var blocking = streams.Select((s, i) => Task.Run(() => s.Read(buffers[i], 0, 64))).ToList();
            await Task.Delay(1500);
            output.WriteLine($"{ports} ports with the old Task.Run(Read) after 1.5 s: process threads {Process.GetCurrentProcess().Threads.Count}, " +
                $"busy pool threads {busyBefore} -> {BusyPoolThreads()}, reads still queued for a pool thread {ThreadPool.PendingWorkItemCount}");
            for (var i = 0; i < ports; i++) await analyzers[i].WriteAsync(Encoding.ASCII.GetBytes("x"));
            await Task.WhenAll(blocking).WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            foreach (var s in streams.Concat(analyzers)) await s.DisposeAsync();
            foreach (var c in cables) await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task Closing_a_port_ends_its_pending_read_and_leaves_the_poll_set()
    {
        await using var cable = await SocatPtyPair.StartAsync();
        var port = new SerialTransport(new SerialPortSettings(cable.GatewayEnd)).Open();
        var read = port.ReadAsync(new byte[16]).AsTask();
        await WaitUntilAsync(() => !read.IsCompleted && DescriptorPoller.Shared.PendingWaits > 0);
        await port.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(-1, port.FileDescriptor);
    }

    /// <summary>struct termios2 as asm-generic/termbits.h declares it: 4 × u32, u8, 19 × u8, then ispeed, ospeed.</summary>
    private const string ReadSpeedsWithPython = """
        import fcntl, os, struct, sys
        fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
        raw = fcntl.ioctl(fd, 0x802C542A, bytes(44))
        i, o, c, l, line, cc, ispeed, ospeed = struct.unpack("IIIIB19sII", raw)
        print(ispeed, ospeed)
        """;

    private static int BusyPoolThreads()
    {
        ThreadPool.GetMaxThreads(out var max, out _);
        ThreadPool.GetAvailableThreads(out var available, out _);
        return max - available;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 10 s");
            await Task.Delay(10);
        }
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} failed: {stderr}");
        return stdout;
    }
}
