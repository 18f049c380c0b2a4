using System.Net;
using System.Net.Sockets;
using EdgeLab.Instruments.Transport;

namespace EdgeLab.Instruments.Tests.Transport;

/// <summary>TCP as client (the analyzer listens) and as server (the analyzer dials in), on loopback.</summary>
public sealed class TcpTransportTests
{
    [Fact]
    public async Task Client_transport_connects_and_exchanges_bytes()
    {
        using var analyzer = new TcpListener(IPAddress.Loopback, 0);
        analyzer.Start();
        var port = ((IPEndPoint)analyzer.LocalEndpoint).Port;
        await using var transport = new TcpClientTransport("127.0.0.1", port);
        Assert.Equal($"tcp-client 127.0.0.1:{port}", transport.Description);

        var accept = analyzer.AcceptTcpClientAsync();
        await using var gateway = await transport.OpenAsync(CancellationToken.None);
        using var peer = await accept;
        await peer.GetStream().WriteAsync(new byte[] { 0x05 });
        Assert.Equal([0x05], await SerialTransportTests.ReadExactlyAsync(gateway, 1));
        await gateway.WriteAsync(new byte[] { 0x06 });
        Assert.Equal([0x06], await SerialTransportTests.ReadExactlyAsync(peer.GetStream(), 1));
    }

    [Fact]
    public async Task Client_transport_names_a_refused_connection()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        await using var transport = new TcpClientTransport("127.0.0.1", port);
        var error = await Assert.ThrowsAsync<IOException>(async () => await transport.OpenAsync(CancellationToken.None));
        Assert.Contains("refused: is the analyzer's LIS port enabled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_transport_accepts_one_instrument_connection_per_open()
    {
        await using var transport = new TcpServerTransport(new IPEndPoint(IPAddress.Loopback, 0));
        var endPoint = transport.LocalEndPoint;
        Assert.Equal($"tcp-server {endPoint}", transport.Description);

        for (var round = 0; round < 2; round++)
        {
            var open = transport.OpenAsync(CancellationToken.None).AsTask();
            using var analyzer = new TcpClient();
            await analyzer.ConnectAsync(endPoint);
            await using var gateway = await open.WaitAsync(TimeSpan.FromSeconds(10));
            await analyzer.GetStream().WriteAsync(new byte[] { 0x0B, (byte)round });
            Assert.Equal([0x0B, (byte)round], await SerialTransportTests.ReadExactlyAsync(gateway, 2));
        }
    }

    [Fact]
    public async Task Server_transport_waiting_for_a_connection_can_be_cancelled()
    {
        await using var transport = new TcpServerTransport(new IPEndPoint(IPAddress.Loopback, 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await transport.OpenAsync(cts.Token));
    }

    [Fact]
    public async Task Server_transport_names_a_port_in_use()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        await using var transport = new TcpServerTransport((IPEndPoint)other.LocalEndpoint);
        // An IOException of its own type that carries the typed reason the local status words (issue 10 item 7).
        var error = await Assert.ThrowsAsync<LinkOpenException>(async () => await transport.OpenAsync(CancellationToken.None));
        Assert.Equal(LinkDownKind.PortInUse, error.Kind);
        Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_transport_replaces_a_half_open_connection_when_the_analyzer_reconnects()
    {
        await using var transport = new TcpServerTransport(new IPEndPoint(IPAddress.Loopback, 0));
        var endPoint = transport.LocalEndPoint;

        var openOld = transport.OpenAsync(CancellationToken.None).AsTask();
        using var rebooted = new TcpClient();
        await rebooted.ConnectAsync(endPoint);
        await using var oldConnection = await openOld.WaitAsync(TimeSpan.FromSeconds(10));
        var oldRead = oldConnection.ReadAsync(new byte[16]).AsTask();

        // The analyzer restarts: its old socket never sends a FIN (the client object stays open here), and it dials again.
        using var analyzer = new TcpClient();
        await analyzer.ConnectAsync(endPoint);
        var replaced = await Assert.ThrowsAsync<IOException>(() => oldRead.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("replaced by a new connection from 127.0.0.1:", replaced.Message, StringComparison.Ordinal);
        Assert.Contains("was still open", replaced.Message, StringComparison.Ordinal);
        Assert.True(transport.HasWaitingConnection);

        // The old peer sees its connection closed by the gateway.
        rebooted.ReceiveTimeout = 20_000;
        Assert.Equal(0, await ReadOrResetAsync(rebooted.GetStream()));

        await using var newConnection = await transport.OpenAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(transport.HasWaitingConnection);
        await analyzer.GetStream().WriteAsync(new byte[] { 0x05 });
        Assert.Equal([0x05], await SerialTransportTests.ReadExactlyAsync(newConnection, 1));
        await newConnection.WriteAsync(new byte[] { 0x06 });
        Assert.Equal([0x06], await SerialTransportTests.ReadExactlyAsync(analyzer.GetStream(), 1));
    }

    /// <summary>0 when the peer closed (FIN or reset), else the byte count read.</summary>
    private static async Task<int> ReadOrResetAsync(NetworkStream stream)
    {
        try
        {
            return await stream.ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
