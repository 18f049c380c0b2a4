using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt.Packets;

namespace EdgeLab.Mqtt.Tests.Support;

/// <summary>
/// A loopback TCP proxy between the client and a real Mosquitto that the test controls: it can cut every connection
/// (a network failure mid-flight), hold the broker's bytes back (acks delayed), and it records the MQTT packets that
/// pass so a test can check ids, DUP flags and how many publishes were unacknowledged at once.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Socket> _sockets = [];
    private readonly object _gate = new();
    private readonly HashSet<ushort> _unacknowledged = [];
    private readonly Task _acceptLoop;
    private volatile TaskCompletionSource _release = Released();

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every PUBLISH the client sent, in order.</summary>
    public ConcurrentQueue<PublishPacket> ClientPublishes { get; } = new();

    /// <summary>The most QoS 1 PUBLISH packets the client had unacknowledged at one time.</summary>
    public int MaxUnacknowledged { get; private set; }

    /// <summary>Stops forwarding what the broker sends (its PUBACKs stay in the proxy) until <see cref="Release"/> or a cut.</summary>
    public void HoldServerBytes() => _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _release.TrySetResult();

    /// <summary>Cuts every open connection at once, without DISCONNECT, as a network failure would.</summary>
    public void CutAll()
    {
        while (_sockets.TryTake(out var s))
        {
            try
            {
                s.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
            s.Dispose();
        }
        lock (_gate) _unacknowledged.Clear();
        _release.TrySetResult();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                client.NoDelay = true;
                try
                {
                    await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                }
                catch (SocketException)
                {
                    client.Dispose();
                    server.Dispose();
                    continue;
                }
                _sockets.Add(client);
                _sockets.Add(server);
                _ = PumpAsync(client, server, fromClient: true);
                _ = PumpAsync(server, client, fromClient: false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool fromClient)
    {
        var buffer = new byte[64 * 1024];
        var pending = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0) break;
                Observe(pending, buffer.AsSpan(0, n), fromClient);
                if (!fromClient) await _release.Task.WaitAsync(_stop.Token);
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException or MqttProtocolException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    /// <summary>Frames the byte stream of one direction and notes PUBLISH (client → broker) and PUBACK (broker → client).</summary>
    private void Observe(ArrayBufferWriter<byte> pending, ReadOnlySpan<byte> bytes, bool fromClient)
    {
        pending.Write(bytes);
        var sequence = new ReadOnlySequence<byte>(pending.WrittenMemory);
        var consumed = 0L;
        while (PacketFramer.TryReadPacket(ref sequence, uint.MaxValue, out var header, out var body))
        {
            consumed = pending.WrittenCount - sequence.Length;
            var type = (PacketType)(header >> 4);
            if (fromClient && type == PacketType.Publish)
            {
                var publish = PublishPacket.Read((byte)(header & 0x0F), body.ToArray());
                ClientPublishes.Enqueue(publish);
                if (publish.QoS > 0)
                    lock (_gate)
                    {
                        _unacknowledged.Add(publish.PacketId);
                        MaxUnacknowledged = Math.Max(MaxUnacknowledged, _unacknowledged.Count);
                    }
            }
            else if (!fromClient && type == PacketType.PubAck)
            {
                var (id, _) = PubAckPacket.ReadHeader(body.ToArray(), out _);
                lock (_gate) _unacknowledged.Remove(id);
            }
        }
        var rest = pending.WrittenSpan[(int)consumed..].ToArray();
        pending.Clear();
        pending.Write(rest);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutAll();
        await _acceptLoop;
        _stop.Dispose();
    }

    private static TaskCompletionSource Released()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.SetResult();
        return tcs;
    }
}
