using System.Net;
using System.Net.Sockets;
using EdgeLab.Instruments.Transport;
using EdgeLab.LocalServices;
using EdgeLab.Simulator.Astm;
using EdgeLab.Simulator.Tests.Support;
using EdgeLab.Simulator.Wire;

namespace EdgeLab.Simulator.Tests;

/// <summary>
/// Issue 2 "done when": the simulator replays every transcript in tests/samples over a pseudo-terminal (socat) and
/// over TCP, against a scripted receiver that checks every frame's checksum and number and ACKs.
/// </summary>
public sealed class ReplayAllSamplesTests
{
    [Theory]
    [MemberData(nameof(Files))]
    public async Task Replays_sample_over_a_socat_pty(string sample)
    {
        await using var cable = await SocatPtyPair.StartAsync();
        // The analyzer's end on System.IO.Ports, the host's on our termios transport: two independent implementations.
        await using var instrumentLine = SystemSerialPortLine.Open(cable.InstrumentEnd, 9600);
        var instrument = instrumentLine.Stream;
        await using var host = new SerialTransport(new SerialPortSettings(cable.GatewayEnd, 9600)).Open();
        await ReplayAndVerifyAsync(sample, instrument, host);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Replays_sample_over_tcp(string sample)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var endpoint = new InstrumentEndpoint(null, 9600, $"127.0.0.1:{port}", null);
        Assert.Null(endpoint.Validate());
        var output = new SimulatorOutput(TextWriter.Null, TextWriter.Null, TimeProvider.System);
        var accept = listener.AcceptTcpClientAsync();
        var (instrument, owner) = await endpoint.OpenAsync(output, CancellationToken.None);
        using var hostClient = await accept;
        await using (owner)
        await using (instrument)
        {
            await ReplayAndVerifyAsync(sample, instrument, hostClient.GetStream());
        }
    }

    public static TheoryData<string> Files() => Samples.AllFiles();

    private static async Task ReplayAndVerifyAsync(string sample, Stream instrument, Stream host)
    {
        var path = Path.Combine(Samples.Directory, sample);
        await using var receiver = new ScriptedLisReceiver(host);
        using var stop = new CancellationTokenSource();
        var serving = receiver.ServeAsync(stop.Token);
        var machine = new StringWriter();
        var progress = new StringWriter();
        var output = new SimulatorOutput(machine, progress, TimeProvider.System);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var exit = await new ReplayRunner(output).RunAsync(new ReplayOptions { Files = [path] }, instrument, timeout.Token);

        // The runner returns on the last ACK; the receiver still has the EOT to take.
        var guard = DateTime.UtcNow.AddSeconds(10);
        while (receiver.Messages.Count + receiver.Hl7Messages.Count == 0 && DateTime.UtcNow < guard) await Task.Delay(5);
        await stop.CancelAsync();
        await serving;
        Assert.True(exit == 0, progress.ToString());
        var lines = machine.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith($"ACKED {Path.GetFileName(sample)}#1 ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("FAILED", StringComparison.Ordinal));
        if (sample.EndsWith(".hl7", StringComparison.Ordinal))
        {
            var message = Assert.Single(receiver.Hl7Messages);
            Assert.StartsWith(File.ReadLines(path).First() + "\r", message, StringComparison.Ordinal); // the file's MSH, whole
            Assert.DoesNotContain('\n', message);
            Assert.Equal(File.ReadAllLines(path).Count(l => l.Length > 0), message.Split('\r', StringSplitOptions.RemoveEmptyEntries).Length);
            return;
        }
        Assert.All(receiver.Frames, f => Assert.True(f.ChecksumOk, $"frame {f.Number} checksum"));
        Assert.All(receiver.Frames, f => Assert.InRange(f.WireLength, 8, 247));
        for (var i = 0; i < receiver.Frames.Count; i++) Assert.Equal((i + 1) % 8, receiver.Frames[i].Number);
        var records = Assert.Single(receiver.Messages);
        Assert.StartsWith("H", records[0], StringComparison.Ordinal);
        Assert.StartsWith("L", records[^1], StringComparison.Ordinal);
        var expected = AstmTranscript.Parse(File.ReadAllBytes(path)).SelectMany(m => m.Records).Select(r => System.Text.Encoding.Latin1.GetString(r));
        Assert.Equal(expected, records);
    }
}
