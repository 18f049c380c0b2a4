using System.Net;
using System.Net.Sockets;
using EdgeLab.Instruments.Transport;
using EdgeLab.LocalServices;
using EdgeLab.Testing;

namespace EdgeLab.Instruments.Tests.Transport;

/// <summary>
/// Issue 10: the link runner reports a typed <see cref="LinkDownReason"/> that the real transport produced (a missing
/// device, a port in use, a refused dial, an orderly close, a reset, an unplugged pty), so the status no longer parses
/// message text. EACCES and EBUSY cannot be provoked here (the tests run as root, which bypasses both file modes and
/// TIOCEXCL): their errno → kind mapping is asserted on the exception the transport builds.
/// </summary>
public sealed class LinkDownReasonTests
{
    private sealed class FirstDown : ILinkStateObserver
    {
        private readonly TaskCompletionSource<LinkDownReason> _down = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<LinkDownReason> Reason => _down.Task.WaitAsync(TimeSpan.FromSeconds(30));

        public void OnLinkUp(string instrumentId, string transportDescription)
        {
        }

        public void OnLinkDown(string instrumentId, LinkDownReason reason) => _down.TrySetResult(reason);
    }

    /// <summary>Reads until the stream ends or fails, as a stand-in protocol session.</summary>
    private sealed class DrainSession : IInstrumentProtocolSession
    {
        public async Task RunAsync(Stream connection, CancellationToken cancellationToken)
        {
            var buffer = new byte[256];
            while (await connection.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
    }

    private static async Task<LinkDownReason> FirstDownOfAsync(IInstrumentTransport transport)
    {
        var observer = new FirstDown();
        var runner = new InstrumentLinkRunner("an-1", transport, new DrainSession(), observer, new FakeTimeProvider());
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);
        var reason = await observer.Reason;
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        return reason;
    }

    [Fact]
    public async Task A_serial_device_that_is_not_there_is_port_missing()
    {
        await using var transport = new SerialTransport(new SerialPortSettings("/dev/ttyEDGELAB-not-plugged", 9600));
        var reason = await FirstDownOfAsync(transport);
        Assert.Equal(LinkDownKind.PortMissing, reason.Kind);
        Assert.Contains("/dev/ttyEDGELAB-not-plugged", reason.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tcp_port_another_program_listens_on_is_port_in_use()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        await using var transport = new TcpServerTransport(new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)squatter.LocalEndpoint).Port));
        Assert.Equal(LinkDownKind.PortInUse, (await FirstDownOfAsync(transport)).Kind);
    }

    [Fact]
    public async Task An_analyzer_that_refuses_the_gateways_dial_is_unreachable()
    {
        await using var transport = new TcpClientTransport("127.0.0.1", FreeTcpPort.Next());
        Assert.Equal(LinkDownKind.Unreachable, (await FirstDownOfAsync(transport)).Kind);
    }

    [Fact]
    public async Task An_analyzer_that_closes_its_connection_in_order_is_peer_closed()
    {
        using var analyzer = new TcpListener(IPAddress.Loopback, 0);
        analyzer.Start();
        var accept = Task.Run(async () =>
        {
            using var s = await analyzer.AcceptSocketAsync();
            s.Shutdown(SocketShutdown.Both);
        });
        await using var transport = new TcpClientTransport("127.0.0.1", ((IPEndPoint)analyzer.LocalEndpoint).Port);
        Assert.Equal(LinkDownKind.PeerClosed, (await FirstDownOfAsync(transport)).Kind);
        await accept;
    }

    [Fact]
    public async Task A_connection_reset_under_the_session_is_connection_lost()
    {
        using var analyzer = new TcpListener(IPAddress.Loopback, 0);
        analyzer.Start();
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var accept = Task.Run(async () =>
        {
            using var s = await analyzer.AcceptSocketAsync();
            await up.Task; // the session is running: the reset comes under it, not during the dial
            s.LingerState = new LingerOption(true, 0); // close with RST, not FIN
            s.Close();
        });
        await using var transport = new TcpClientTransport("127.0.0.1", ((IPEndPoint)analyzer.LocalEndpoint).Port);
        var observer = new FirstDown();
        var runner = new InstrumentLinkRunner("an-1", transport, new DrainSession(), new UpThenDown(up, observer), new FakeTimeProvider());
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);
        var reason = await observer.Reason;
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        await accept;
        Assert.Equal(LinkDownKind.ConnectionLost, reason.Kind);
    }

    [Fact]
    public async Task A_serial_cable_pulled_while_up_is_connection_lost()
    {
        var cable = await SocatPtyPair.StartAsync();
        await using var transport = new SerialTransport(new SerialPortSettings(cable.GatewayEnd, 9600));
        var observer = new FirstDown();
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runner = new InstrumentLinkRunner("an-1", transport, new DrainSession(), new UpThenDown(up, observer), new FakeTimeProvider());
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);
        await up.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cable.DisposeAsync(); // socat gone: the pty hangs up, as a USB adapter pulled out
        var reason = await observer.Reason;
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(LinkDownKind.ConnectionLost, reason.Kind);
    }

    private sealed class UpThenDown(TaskCompletionSource up, FirstDown down) : ILinkStateObserver
    {
        public void OnLinkUp(string instrumentId, string transportDescription) => up.TrySetResult();

        public void OnLinkDown(string instrumentId, LinkDownReason reason) => down.OnLinkDown(instrumentId, reason);
    }

    [Fact]
    public void Errno_and_socket_errors_the_tests_cannot_provoke_as_root_map_to_their_kinds()
    {
        Assert.Equal(LinkDownKind.PermissionDenied, LinkDownReason.OpenFailed(new UnauthorizedAccessException("Access to the path is denied"), "serial /dev/ttyS0").Kind);
        Assert.Equal(LinkDownKind.PermissionDenied, LinkDownReason.OpenFailed(new LinkOpenException(LinkDownKind.PermissionDenied, "permission denied"), "serial /dev/ttyS0").Kind);
        Assert.Equal(LinkDownKind.Unreachable, LinkDownReason.OpenFailed(new IOException("x", new SocketException((int)SocketError.HostUnreachable)), "tcp-client 10.0.0.9:5001").Kind);
        Assert.Equal(LinkDownKind.Other, LinkDownReason.OpenFailed(new IOException("EIO"), "serial /dev/ttyS0").Kind);
        Assert.Equal("cannot open serial /dev/ttyS0: EIO", LinkDownReason.OpenFailed(new IOException("EIO"), "serial /dev/ttyS0").Detail);
    }
}
