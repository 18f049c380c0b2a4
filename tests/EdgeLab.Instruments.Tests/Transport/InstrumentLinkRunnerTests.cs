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

        public void OnLinkDown(string instrumentId, string reason) => Events.Add($"down {instrumentId} {reason}");

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
    public async Task Reconnects_after_the_tcp_instrument_goes_away_and_reports_down_then_up()
    {
        var clock = new FakeTimeProvider();
        await using var transport = new TcpServerTransport(new IPEndPoint(IPAddress.Loopback, 0));
        var observer = new RecordingObserver();
        var runner = new InstrumentLinkRunner("xn-1", transport, new EchoSession(), observer, clock, NoJitter);
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);

        using (var analyzer = new TcpClient())
        {
            await analyzer.ConnectAsync(transport.LocalEndPoint);
            Assert.StartsWith("up xn-1 tcp-server 127.0.0.1:", observer.Next(), StringComparison.Ordinal);
            await analyzer.GetStream().WriteAsync(new byte[] { 0x05 });
            Assert.Equal([0x05], await SerialTransportTests.ReadExactlyAsync(analyzer.GetStream(), 1));
        }
        Assert.Equal("down xn-1 connection closed by the instrument", observer.Next());

        // Backoff: nothing reopens before the delay has passed on the clock.
        await WaitForArmedTimerAsync(clock);
        clock.Advance(TimeSpan.FromSeconds(1));
        using (var again = new TcpClient())
        {
            await again.ConnectAsync(transport.LocalEndPoint);
            Assert.StartsWith("up xn-1", observer.Next(), StringComparison.Ordinal);
        }
        Assert.StartsWith("down xn-1", observer.Next(), StringComparison.Ordinal);
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

        using var beforeReboot = new TcpClient();
        await beforeReboot.ConnectAsync(transport.LocalEndPoint);
        Assert.StartsWith("up xn-1 tcp-server 127.0.0.1:", observer.Next(), StringComparison.Ordinal);

        using var afterReboot = new TcpClient();
        await afterReboot.ConnectAsync(transport.LocalEndPoint);
        var down = observer.Next();
        Assert.StartsWith("down xn-1 replaced by a new connection from 127.0.0.1:", down, StringComparison.Ordinal);
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
