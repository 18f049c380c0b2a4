using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using EdgeLab.Mqtt.Packets;

namespace EdgeLab.Mqtt.Tests.Support;

/// <summary>
/// A protocol-level broker peer on a loopback socket, in the spirit of Npgsql's PgServerMock: the test says what it
/// expects (<see cref="ScriptedPeer.ExpectAsync{T}"/>) and what to answer (<see cref="ScriptedPeer.SendAsync"/>),
/// packet by packet, with the client's own codec. Used for protocol rules only; guarantees are tested on Mosquitto.
/// </summary>
internal sealed class ScriptedBroker : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<ScriptedPeer> _peers = [];

    public ScriptedBroker() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public MqttClientOptions Options(string clientId = "scripted", TimeProvider? time = null, Func<MqttReceivedMessage, ValueTask>? onMessage = null,
        ushort keepAlive = 0, uint maximumPacketSize = 4 * 1024 * 1024, ushort topicAliasMaximum = 0, MqttWill? will = null) => new()
        {
            Host = "127.0.0.1",
            Port = Port,
            ClientId = clientId,
            KeepAliveSeconds = keepAlive,
            TimeProvider = time ?? TimeProvider.System,
            OnMessage = onMessage,
            MaximumPacketSize = maximumPacketSize,
            TopicAliasMaximum = topicAliasMaximum,
            Will = will,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(10),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(50),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };

    public async Task<ScriptedPeer> AcceptAsync()
    {
        var socket = await _listener.AcceptSocketAsync().WaitAsync(ScriptedPeer.Timeout);
        var peer = new ScriptedPeer(socket);
        _peers.Add(peer);
        return peer;
    }

    /// <summary>Accepts, expects CONNECT and answers CONNACK with the given Session Present and properties.</summary>
    public async Task<(ScriptedPeer Peer, ConnectPacket Connect)> AcceptConnectionAsync(bool sessionPresent = false, Action<MqttProperties>? properties = null)
    {
        var peer = await AcceptAsync();
        var connect = await peer.ExpectAsync<ConnectPacket>();
        var connAck = new ConnAckPacket { SessionPresent = sessionPresent };
        properties?.Invoke(connAck.Properties);
        await peer.SendAsync(connAck);
        return (peer, connect);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _peers) p.Dispose();
        _listener.Stop();
        await Task.CompletedTask;
    }
}

internal sealed class ScriptedPeer : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;

    internal ScriptedPeer(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream);
    }

    /// <summary>Reads the next packet the client sent and checks its type.</summary>
    internal async Task<T> ExpectAsync<T>() where T : IMqttPacket
    {
        var packet = await ReadAsync(Timeout) ?? throw new Xunit.Sdk.XunitException($"expected {typeof(T).Name}, the client closed the connection");
        return packet is T t ? t : throw new Xunit.Sdk.XunitException($"expected {typeof(T).Name}, got {packet.Type}");
    }

    /// <summary>Null when the connection ended; throws <see cref="TimeoutException"/> when nothing came within <paramref name="within"/>.</summary>
    internal async Task<IMqttPacket?> ReadAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _reader.ReadAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"nothing from the client within {within}");
            }
            catch (IOException)
            {
                return null;
            }
            var buffer = result.Buffer;
            if (PacketFramer.TryReadPacket(ref buffer, uint.MaxValue, out var header, out var body))
            {
                var packet = PacketDecoder.Decode(header, body.ToArray());
                _reader.AdvanceTo(buffer.Start);
                return packet;
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) return null;
        }
    }

    /// <summary>Asserts that the client sends nothing for <paramref name="quiet"/> (used only for "must not send" rules).</summary>
    internal async Task ExpectNothingAsync(TimeSpan quiet)
    {
        try
        {
            var packet = await ReadAsync(quiet);
            throw new Xunit.Sdk.XunitException($"expected nothing, got {packet?.Type.ToString() ?? "end of connection"}");
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>Waits until the client closes the connection, skipping nothing: the next read must be the end.</summary>
    internal async Task ExpectClosedAsync()
    {
        var packet = await ReadAsync(Timeout);
        if (packet is not null) throw new Xunit.Sdk.XunitException($"expected the connection to close, got {packet.Type}");
    }

    internal Task SendAsync(IMqttPacket packet) => SendRawAsync(PacketEncoder.ToArray(packet));

    internal async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    internal Task PubAckAsync(ushort packetId, MqttPubAckReasonCode reason = MqttPubAckReasonCode.Success) =>
        SendAsync(new PubAckPacket { PacketId = packetId, ReasonCode = reason });

    /// <summary>Drops the TCP connection without DISCONNECT, as a network failure would.</summary>
    public void Drop()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
        _stream.Dispose();
    }

    public void Dispose() => Drop();
}
