using System.Globalization;
using System.Net;
using EdgeLab.Instruments.Transport;

namespace EdgeLab.Simulator.Wire;

/// <summary>
/// Where the simulated instrument is plugged in: a serial line (one end of a socat pty pair stands in for the cable),
/// or TCP as client (the instrument dials the gateway) or as server (the gateway dials the instrument). The
/// serial side is System.IO.Ports (<see cref="SystemSerialPortLine"/>), independent of the gateway's termios transport;
/// the TCP transports are the gateway's (gateway/EdgeLab.Instruments/Transport); the protocols on top are the
/// simulator's own.
/// </summary>
internal sealed record InstrumentEndpoint(string? SerialPath, int BaudRate, string? TcpConnect, string? TcpListen)
{
    /// <summary>How long a TCP client keeps retrying a refused connection (the gateway may still be starting).</summary>
    public TimeSpan ConnectPatience { get; init; } = TimeSpan.FromSeconds(30);

    public string Describe() =>
        SerialPath is not null ? $"serial {SerialPath} {BaudRate} 8N1" : TcpConnect is not null ? $"tcp-connect {TcpConnect}" : $"tcp-listen {TcpListen}";

    /// <summary>Null when exactly one of --serial, --tcp-connect, --tcp-listen is given and well formed; else the error to print.</summary>
    public string? Validate()
    {
        var count = (SerialPath is null ? 0 : 1) + (TcpConnect is null ? 0 : 1) + (TcpListen is null ? 0 : 1);
        if (count != 1) return "say where the instrument is plugged in: exactly one of --serial PATH, --tcp-connect HOST:PORT or --tcp-listen [HOST:]PORT";
        if (TcpConnect is not null && !TryHostPort(TcpConnect, null, out _, out _)) return $"--tcp-connect '{TcpConnect}' is not HOST:PORT, e.g. 127.0.0.1:5001";
        if (TcpListen is not null && !TryHostPort(TcpListen, "127.0.0.1", out _, out _)) return $"--tcp-listen '{TcpListen}' is not [HOST:]PORT, e.g. 5001";
        if (SerialPath is not null && BaudRate is < 50 or > 4_000_000) return $"--baud {BaudRate} is out of range: use 50 to 4000000, e.g. 9600";
        return null;
    }

    /// <summary>Opens the connection; a listening endpoint waits for the gateway to connect.</summary>
    public async Task<(Stream Stream, IAsyncDisposable Owner)> OpenAsync(SimulatorOutput output, CancellationToken cancellationToken)
    {
        if (SerialPath is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var line = SystemSerialPortLine.Open(SerialPath, BaudRate);
            return (line.Stream, line);
        }
        if (TcpConnect is not null)
        {
            TryHostPort(TcpConnect, null, out var host, out var port);
            var client = new TcpClientTransport(host, port);
            var start = output.Time.GetTimestamp();
            while (true)
            {
                try
                {
                    return (await client.OpenAsync(cancellationToken).ConfigureAwait(false), client);
                }
                catch (IOException e) when (output.Time.GetElapsedTime(start) < ConnectPatience)
                {
                    output.Progress($"{e.Message} — retrying");
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        TryHostPort(TcpListen!, "127.0.0.1", out var listenHost, out var listenPort);
        var server = new TcpServerTransport(new IPEndPoint(IPAddress.Parse(listenHost), listenPort));
        output.Progress($"listening on {server.LocalEndPoint}; waiting for the gateway to connect");
        return (await server.OpenAsync(cancellationToken).ConfigureAwait(false), server);
    }

    private static bool TryHostPort(string text, string? defaultHost, out string host, out int port)
    {
        var colon = text.LastIndexOf(':');
        host = colon < 0 ? defaultHost ?? "" : text[..colon];
        var portText = colon < 0 ? text : text[(colon + 1)..];
        var ok = int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536 && host.Length > 0;
        if (ok && defaultHost is not null) ok = IPAddress.TryParse(host, out _);
        return ok;
    }
}
