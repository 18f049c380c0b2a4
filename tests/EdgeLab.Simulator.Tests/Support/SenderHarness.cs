using System.Text;
using EdgeLab.Simulator.Astm;
using EdgeLab.Simulator.Faults;
using EdgeLab.Simulator.Wire;
using EdgeLab.Testing;

namespace EdgeLab.Simulator.Tests.Support;

/// <summary>The simulator's ASTM sender on one end of a loopback wire, a scripted receiver on the other, a fake clock.</summary>
internal sealed class SenderHarness : IAsyncDisposable
{
    private readonly LoopbackPair _wire;
    private readonly ByteReceiver _replies;

    private SenderHarness(LoopbackPair wire, AstmSenderOptions options, IEnumerable<Fault> faults)
    {
        _wire = wire;
        Time = new ObservedTimeProvider(Clock);
        _replies = new ByteReceiver(wire.Instrument, Time);
        Output = new SimulatorOutput(Machine, Progress, Time, verbose: true);
        Sender = new AstmInstrumentSender(wire.Instrument, _replies, options, new FaultPlan(faults), Output);
        Receiver = new ScriptedLisReceiver(wire.Receiver);
    }

    public FakeTimeProvider Clock { get; } = new();
    public ObservedTimeProvider Time { get; }
    public StringWriter Machine { get; } = new();
    public StringWriter Progress { get; } = new();
    public SimulatorOutput Output { get; }
    public AstmInstrumentSender Sender { get; }
    public ScriptedLisReceiver Receiver { get; }

    public static async Task<SenderHarness> StartAsync(AstmSenderOptions? options = null, params Fault[] faults) =>
        new(await LoopbackPair.CreateAsync(), options ?? new AstmSenderOptions(), faults);

    public static AstmMessage Message(params string[] records) =>
        new(records.Select(r => Encoding.Latin1.GetBytes(r)).ToList());

    public static AstmMessage Sample => Message("H|\\^&|||SIM^1", "P|1", "O|1|SPEC-1||^^^GLU", "R|1|^^^GLU|5.4|mmol/L|3.9-6.1|N||F", "L|1|N");

    public Task SendAsync(params AstmMessage[] messages) =>
        Task.Run(() => Sender.SendAsync(messages.Select((m, i) => new OutgoingAstmMessage($"m#{i + 1}", m)).ToList(), CancellationToken.None));

    /// <summary>Waits until the sender has started its <paramref name="occurrence"/>-th timer of this length (reply timer, NAK wait, pause…).</summary>
    public Task WaitForTimerAsync(double seconds, int occurrence = 1) => Time.WaitForTimerAsync(TimeSpan.FromSeconds(seconds), occurrence);

    public string[] MachineLines => Machine.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public async ValueTask DisposeAsync()
    {
        await Receiver.DisposeAsync();
        await _replies.DisposeAsync();
        await _wire.DisposeAsync();
    }
}
