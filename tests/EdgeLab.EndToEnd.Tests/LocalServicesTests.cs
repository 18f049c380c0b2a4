using System.Net.Sockets;
using EdgeLab.LocalServices;

namespace EdgeLab.EndToEnd.Tests;

/// <summary>The real services every integration test stands on start, answer, and stop by pid.</summary>
public sealed class LocalServicesTests
{
    [Fact]
    public async Task Mosquitto_accepts_connections_and_is_gone_after_dispose()
    {
        int pid;
        int port;
        await using (var broker = await MosquittoProcess.StartAsync())
        {
            pid = broker.Pid;
            port = broker.Port;
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", broker.Port);
            Assert.True(client.Connected);
        }
        Assert.False(Directory.Exists($"/proc/{pid}"), "mosquitto should be stopped by pid");
        using var after = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => after.ConnectAsync("127.0.0.1", port));
    }

    [Fact]
    public async Task Mosquitto_restarts_on_the_same_port_after_a_kill()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        var firstPid = broker.Pid;
        await broker.KillAsync();
        await broker.RestartAsync();
        Assert.NotEqual(firstPid, broker.Pid);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", broker.Port);
    }

    [Fact]
    public async Task Socat_pty_pair_carries_bytes_both_ways()
    {
        await using var pair = await SocatPtyPair.StartAsync();
        await using var a = new FileStream(pair.InstrumentEnd, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.None);
        await using var b = new FileStream(pair.GatewayEnd, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.None);
        a.Write([0x05]);
        a.Flush();
        var buf = new byte[1];
        Assert.Equal(1, b.Read(buf));
        Assert.Equal(0x05, buf[0]);
        b.Write([0x06]);
        b.Flush();
        Assert.Equal(1, a.Read(buf));
        Assert.Equal(0x06, buf[0]);
    }

    [Fact]
    public async Task Postgres_starts_on_loopback_and_stops()
    {
        int port;
        await using (var pg = await PostgresProcess.StartAsync())
        {
            port = pg.Port;
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", pg.Port);
            await pg.CreateDatabaseAsync("second");
        }
        using var after = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => after.ConnectAsync("127.0.0.1", port));
    }
}
