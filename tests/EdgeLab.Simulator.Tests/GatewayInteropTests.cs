using System.Collections.Concurrent;
using System.Text;
using EdgeLab.Instruments.Link.Astm;
using EdgeLab.Instruments.Transport;
using EdgeLab.LocalServices;
using EdgeLab.Simulator.Astm;
using EdgeLab.Simulator.Tests.Support;
using EdgeLab.Simulator.Wire;

namespace EdgeLab.Simulator.Tests;

/// <summary>
/// The simulator's LIS01-A2 sender against the gateway's own receiver (<see cref="AstmLinkSession"/>, written
/// independently by another engineer) over a socat pseudo-terminal: every ASTM sample must arrive whole, and a host
/// query must be answered through the gateway's sender into the simulator's receiver.
/// </summary>
public sealed class GatewayInteropTests
{
    private sealed class CollectingHandler(Func<string, IReadOnlyList<string>?>? reply = null) : IAstmMessageHandler
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ValueTask<AstmMessageOutcome> OnMessageAsync(AstmReceivedMessage message, CancellationToken cancellationToken)
        {
            var text = Encoding.Latin1.GetString(message.Text.Span);
            Messages.Enqueue(text);
            return ValueTask.FromResult(new AstmMessageOutcome(true, reply?.Invoke(text)));
        }

        public ValueTask OnIncompleteMessageAsync(AstmReceivedMessage partial, string reason, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    public static TheoryData<string> AstmFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Samples.All().Where(f => f.EndsWith(".astm", StringComparison.Ordinal))) data.Add(f);
        return data;
    }

    [Theory]
    [MemberData(nameof(AstmFiles))]
    public async Task Every_ASTM_sample_reaches_the_gateway_link_session_whole(string sample)
    {
        var path = Path.Combine(Samples.Directory, sample);
        await using var cable = await SocatPtyPair.StartAsync();
        await using var gatewayEnd = new SerialTransport(new SerialPortSettings(cable.GatewayEnd)).Open();
        await using var instrumentLine = SystemSerialPortLine.Open(cable.InstrumentEnd, 9600);
        var instrumentEnd = instrumentLine.Stream;
        var handler = new CollectingHandler();
        var session = new AstmLinkSession(new AstmLinkOptions { InstrumentId = "sim" }, handler);
        using var stop = new CancellationTokenSource();
        var gateway = session.RunAsync(gatewayEnd, stop.Token);

        var progress = new StringWriter();
        var output = new SimulatorOutput(TextWriter.Null, progress, TimeProvider.System);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var exit = await new ReplayRunner(output).RunAsync(new ReplayOptions { Files = [path] }, instrumentEnd, guard.Token);
        await stop.CancelAsync();
        try
        {
            await gateway.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }

        Assert.True(exit == 0, progress.ToString());
        var expected = AstmTranscript.Parse(File.ReadAllBytes(path))
            .Select(m => string.Concat(m.Records.Select(r => Encoding.Latin1.GetString(r) + "\r")));
        Assert.Equal(expected, handler.Messages.Select(m => m.EndsWith('\r') ? m : m + "\r"));
    }

    [Fact]
    public async Task A_host_query_is_answered_by_the_gateway_session_and_printed_by_the_simulator()
    {
        await using var cable = await SocatPtyPair.StartAsync();
        await using var gatewayEnd = new SerialTransport(new SerialPortSettings(cable.GatewayEnd)).Open();
        await using var instrumentLine = SystemSerialPortLine.Open(cable.InstrumentEnd, 9600);
        var instrumentEnd = instrumentLine.Stream;
        var handler = new CollectingHandler(text => text.Contains("\rQ|1|^2611210007", StringComparison.Ordinal)
            ? ["H|\\^&|||EdgeLab", "P|1||PAT-1", "O|1|2611210007||^^^CBC|R", "L|1|N"]
            : null);
        var session = new AstmLinkSession(new AstmLinkOptions { InstrumentId = "sim" }, handler);
        using var stop = new CancellationTokenSource();
        var gateway = session.RunAsync(gatewayEnd, stop.Token);

        var machine = new StringWriter();
        var output = new SimulatorOutput(machine, TextWriter.Null, TimeProvider.System);
        var exit = await new QueryRunner(output).RunAsync("2611210007", instrumentEnd, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        try
        {
            await gateway.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }

        Assert.Equal(0, exit);
        Assert.Contains("  O|1|2611210007||^^^CBC|R", machine.ToString().Split('\n').Select(l => l.TrimEnd('\r')));
    }
}
