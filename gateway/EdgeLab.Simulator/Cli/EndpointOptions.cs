using System.CommandLine;
using EdgeLab.Simulator.Wire;

namespace EdgeLab.Simulator.Cli;

/// <summary>The options every command shares: where the instrument is plugged in, and how chatty to be.</summary>
internal sealed class EndpointOptions
{
    public Option<string?> Serial { get; } = new("--serial") { Description = "Serial device to talk on, e.g. one end of a socat pty pair (/tmp/x/analyzer) or /dev/ttyUSB0" };
    public Option<int> Baud { get; } = new("--baud") { Description = "Baud rate of the serial line (8N1)", DefaultValueFactory = _ => 9600 };
    public Option<string?> TcpConnect { get; } = new("--tcp-connect") { Description = "Connect to the gateway at HOST:PORT (the instrument is the TCP client)" };
    public Option<string?> TcpListen { get; } = new("--tcp-listen") { Description = "Listen on [HOST:]PORT (default host 127.0.0.1) and wait for the gateway to connect" };
    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Trace every frame, ACK and NAK on stderr" };

    public void AddTo(Command command)
    {
        command.Options.Add(Serial);
        command.Options.Add(Baud);
        command.Options.Add(TcpConnect);
        command.Options.Add(TcpListen);
        command.Options.Add(Verbose);
    }

    public InstrumentEndpoint Read(ParseResult result) =>
        new(result.GetValue(Serial), result.GetValue(Baud), result.GetValue(TcpConnect), result.GetValue(TcpListen));
}
