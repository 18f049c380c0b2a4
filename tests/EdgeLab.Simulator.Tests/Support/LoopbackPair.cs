using System.Net;
using System.Net.Sockets;

namespace EdgeLab.Simulator.Tests.Support;

/// <summary>Two connected loopback TCP streams: a real duplex wire for tests whose clock is fake.</summary>
internal sealed class LoopbackPair : IAsyncDisposable
{
    private LoopbackPair(Stream instrument, Stream receiver)
    {
        Instrument = instrument;
        Receiver = receiver;
    }

    public Stream Instrument { get; }
    public Stream Receiver { get; }

    public static async Task<LoopbackPair> CreateAsync()
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        var server = await accept;
        server.NoDelay = true;
        return new LoopbackPair(new NetworkStream(client, ownsSocket: true), new NetworkStream(server, ownsSocket: true));
    }

    public async ValueTask DisposeAsync()
    {
        await Instrument.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
