using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using EdgeLab.Instruments.Transport;
using EdgeLab.LocalServices;
using EdgeLab.Testing;

namespace EdgeLab.Instruments.Tests.Transport;

/// <summary>
/// The gateway survives an unplugged adapter or a vanished analyzer: the runner reports link down with the reason,
/// reopens with backoff on the (fake) clock, and reports link up again.
/// </summary>
public sealed class InstrumentLinkRunnerTests
{
    private sealed class RecordingObserver : ILinkStateObserver
    {
        public BlockingCollection<string> Events { get; } = [];

        public void OnLinkUp(string instrumentId, string transportDescription) => Events.Add($"up {instrumentId} {transportDescription}");

        public void OnLinkDown(string instrumentId, LinkDownReason reason) => Events.Add($"down {instrumentId} {reason}");

        public void OnLinkWaiting(string instrumentId, string transportDescription) => Events.Add($"waiting {instrumentId} {transportDescription}");

        public string Next()
        {
            Assert.True(Events.TryTake(out var e, TimeSpan.FromSeconds(30)), "no link event within 30 s");
            return e!;
        }
    }

    /// <summary>Echoes bytes until the stream ends or fails, as a stand-in protocol session.</summary>
    private sealed class EchoSession : IInstrumentProtocolSession
    {
        public async Task RunAsync(Stream connection, CancellationToken cancellationToken)
        {
            var buffer = new byte[256];
            int n;
            while ((n = await connection.ReadAsync(buffer, cancellationToken)) > 0)
                await connection.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
        }
    }

    private static readonly ReconnectBackoff NoJitter = new() { Initial = TimeSpan.FromSeconds(1), Maximum = TimeSpan.FromSeconds(8), JitterFraction = 0 };

    [Fact]
    public async Task A_tcp_analyzer_that_connects_once_per_message_is_served_at_once_every_time_and_shown_waiting_between()
    {
        // Issue 10 item 2: the listener backed off after every normal close (1 s doubling to 30 s), so an analyzer
        // that dials in for each message waited longer each time. The clock is never advanced here: no wait at all.
        var clock = new FakeTimeProvider();
        await using var transport = new TcpServerTransport(new IPEndPoint(IPAddress.Loopback, 0));
        var observer = new RecordingObserver();
        var runner = new InstrumentLinkRunner("xn-1", transport, new EchoSession(), observer, clock, NoJitter);
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);

        Assert.StartsWith("waiting xn-1 tcp-server 127.0.0.1:", observer.Next(), StringComparison.Ordinal);
        for (var message = 0; message < 5; message++)
        {
            using (var analyzer = new TcpClient())
            {
                await analyzer.ConnectAsync(transport.LocalEndPoint);
                Assert.StartsWith("up xn-1 tcp-server 127.0.0.1:", observer.Next(), StringComparison.Ordinal);
                await analyzer.GetStream().WriteAsync(new byte[] { 0x05 });
                Assert.Equal([0x05], await SerialTransportTests.ReadExactlyAsync(analyzer.GetStream(), 1));
            }
            // A normal close is idle, not down, and no backoff timer is armed.
            Assert.StartsWith("waiting xn-1 tcp-server", observer.Next(), StringComparison.Ordinal);
            Assert.Equal(0, clock.ArmedTimerCount);
        }
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_tcp_port_already_in_use_is_reported_as_link_down_naming_the_port_and_retried_with_backoff()
    {
        // Issue 10 item 7: the bind error escaped the runner (Description itself threw) and surfaced only at shutdown.
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var clock = new FakeTimeProvider();
        await using var transport = new TcpServerTransport(new IPEndPoint(IPAddress.Loopback, port));
        var observer = new RecordingObserver();
        var runner = new InstrumentLinkRunner("xn-1", transport, new EchoSession(), observer, clock, NoJitter);
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);

        var down = observer.Next();
        Assert.StartsWith($"down xn-1 cannot open tcp-server 127.0.0.1:{port}: port {port} on 127.0.0.1 is already in use", down, StringComparison.Ordinal);
        Assert.Contains("pick a free port", down, StringComparison.Ordinal);
        await WaitForArmedTimerAsync(clock);
        Assert.False(running.IsCompleted);

        // The port is freed: the next attempt listens and serves.
        squatter.Stop();
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.StartsWith($"waiting xn-1 tcp-server 127.0.0.1:{port}", observer.Next(), StringComparison.Ordinal);
        using (var analyzer = new TcpClient())
        {
            await analyzer.ConnectAsync(IPAddress.Loopback, port);
            Assert.StartsWith("up xn-1", observer.Next(), StringComparison.Ordinal);
        }
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_tcp_analyzer_reconnecting_over_a_half_open_connection_is_served_at_once_and_reported_down_then_up()
    {
        var clock = new FakeTimeProvider(); // never advanced: the new connection must not wait for a backoff delay
        await using var transport = new TcpServerTransport(new IPEndPoint(IPAddress.Loopback, 0));
        var observer = new RecordingObserver();
        var runner = new InstrumentLinkRunner("xn-1", transport, new EchoSession(), observer, clock, NoJitter);
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);
        Assert.StartsWith("waiting xn-1", observer.Next(), StringComparison.Ordinal);

        using var beforeReboot = new TcpClient();
        await beforeReboot.ConnectAsync(transport.LocalEndPoint);
        Assert.StartsWith("up xn-1 tcp-server 127.0.0.1:", observer.Next(), StringComparison.Ordinal);

        using var afterReboot = new TcpClient();
        await afterReboot.ConnectAsync(transport.LocalEndPoint);
        var down = observer.Next();
        Assert.StartsWith("down xn-1 replaced by a new connection from 127.0.0.1:", down, StringComparison.Ordinal);
        Assert.StartsWith("waiting xn-1", observer.Next(), StringComparison.Ordinal);
        Assert.StartsWith("up xn-1 tcp-server 127.0.0.1:", observer.Next(), StringComparison.Ordinal);
        await afterReboot.GetStream().WriteAsync(new byte[] { 0x05 });
        Assert.Equal([0x05], await SerialTransportTests.ReadExactlyAsync(afterReboot.GetStream(), 1));
        Assert.True(runner.IsUp);

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Survives_an_unplugged_serial_adapter_and_reopens_when_it_is_back()
    {
        var clock = new FakeTimeProvider();
        using var scratch = new ScratchDirectory("sim-pty");
        var cable = await SocatPtyPair.StartAsync(scratch.Path);
        var observer = new RecordingObserver();
        var transport = new SerialTransport(new SerialPortSettings(cable.GatewayEnd));
        var runner = new InstrumentLinkRunner("c311", transport, new EchoSession(), observer, clock, NoJitter);
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);
        try
        {
            Assert.Equal($"up c311 serial {cable.GatewayEnd} 9600 8N1", observer.Next());
            await cable.UnplugAsync();
            var down = observer.Next();
            Assert.Contains("hung up", down, StringComparison.Ordinal);

            // While unplugged every reopen fails; the reason is reported once, not on every retry.
            await WaitForArmedTimerAsync(clock);
            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Contains("not found: is the adapter plugged in?", observer.Next(), StringComparison.Ordinal);
            await WaitForArmedTimerAsync(clock);
            clock.Advance(TimeSpan.FromSeconds(2));
            await WaitForArmedTimerAsync(clock);
            Assert.Empty(observer.Events);

            // Plug it back in (same stable path), and the link comes up again after the next backoff step.
            await cable.DisposeAsync();
            cable = await SocatPtyPair.StartAsync(scratch.Path);
            clock.Advance(TimeSpan.FromSeconds(4));
            Assert.StartsWith("up c311 serial", observer.Next(), StringComparison.Ordinal);
            await using var analyzer = new SerialTransport(new SerialPortSettings(cable.InstrumentEnd)).Open();
            await analyzer.WriteAsync(new byte[] { 0x02, 0x31 });
            Assert.Equal([0x02, 0x31], await SerialTransportTests.ReadExactlyAsync(analyzer, 2));
        }
        finally
        {
            await stop.CancelAsync();
            await running.WaitAsync(TimeSpan.FromSeconds(10));
            await cable.DisposeAsync();
        }
    }

    [Fact]
    public void Backoff_doubles_up_to_the_maximum_with_bounded_jitter()
    {
        var backoff = new ReconnectBackoff { Initial = TimeSpan.FromSeconds(1), Maximum = TimeSpan.FromSeconds(30), JitterFraction = 0.2 };
        var random = new Random(7);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var nominal = Math.Min(Math.Pow(2, attempt), 30);
            var delay = backoff.DelayFor(attempt, random).TotalSeconds;
            Assert.InRange(delay, nominal * 0.8, nominal * 1.2);
        }
        Assert.Equal(TimeSpan.FromSeconds(8), NoJitter.DelayFor(3, random));
        Assert.Equal(TimeSpan.FromSeconds(8), NoJitter.DelayFor(50, random));
    }

    private static async Task WaitForArmedTimerAsync(FakeTimeProvider clock)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (clock.ArmedTimerCount == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the runner never started its backoff delay");
            await Task.Delay(2);
        }
    }
}
