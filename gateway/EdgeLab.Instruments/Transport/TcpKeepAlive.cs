using System.Net.Sockets;

namespace EdgeLab.Instruments.Transport;

/// <summary>
/// TCP keep-alive on instrument connections: an analyzer switched off mid-session sends no FIN, and without
/// probes the gateway would wait for it forever (the link layer's own timers only run inside a message).
/// </summary>
internal static class TcpKeepAlive
{
    public static void Enable(Socket socket)
    {
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 30);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 10);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
    }
}
