using System.Text;
using EdgeLab.Simulator.Generate;
using EdgeLab.Simulator.Tests.Support;
using EdgeLab.Simulator.Wire;
using static EdgeLab.Simulator.Tests.Support.ScriptedLisReceiver;

namespace EdgeLab.Simulator.Tests;

/// <summary>The query and generate commands against a scripted host.</summary>
public sealed class QueryAndGenerateTests
{
    private static byte[] Frame(int number, string text)
    {
        var body = Encoding.Latin1.GetBytes($"{number}{text}\r");
        var sum = Etx;
        foreach (var b in body) sum += b;
        return [Stx, .. body, Etx, .. Encoding.ASCII.GetBytes($"{sum:X2}"), 0x0D, 0x0A];
    }

    [Fact]
    public async Task Query_sends_a_Q_record_and_prints_the_order_the_host_sends_back()
    {
        await using var wire = await LoopbackPair.CreateAsync();
        await using var host = new ScriptedLisReceiver(wire.Receiver);
        var machine = new StringWriter();
        var output = new SimulatorOutput(machine, TextWriter.Null, TimeProvider.System);
        var query = Task.Run(() => new QueryRunner(output).RunAsync("2611210007", wire.Instrument, CancellationToken.None));

        await host.ExpectAsync(Enq);
        await host.SendAsync(Ack);
        var texts = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            texts.Add((await host.ReadFrameAsync()).Text);
            await host.SendAsync(Ack);
        }
        await host.ExpectAsync(Eot);
        Assert.Equal("Q|1|^2611210007||ALL||||||||O\r", texts[1]);

        // The host takes the line and answers with the order.
        await host.SendAsync(Enq);
        await host.ExpectAsync(Ack);
        string[] answer = ["H|\\^&|||LIS", "P|1||PAT-1", "O|1|2611210007||^^^CBC\\^^^GLU|R", "L|1|N"];
        for (var i = 0; i < answer.Length; i++)
        {
            await host.SendAsync(Frame(i + 1, answer[i]));
            await host.ExpectAsync(Ack);
        }
        await host.SendAsync(Eot);

        Assert.Equal(0, await query.WaitAsync(TimeSpan.FromSeconds(20)));
        var lines = machine.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith("REPLY query-2611210007 ", StringComparison.Ordinal) && l.Contains(" 4 ", StringComparison.Ordinal));
        Assert.Contains("O|1|2611210007||^^^CBC\\^^^GLU|R", lines);
    }

    [Fact]
    public async Task Query_NAKs_a_host_frame_with_a_bad_checksum_and_takes_the_resend()
    {
        await using var wire = await LoopbackPair.CreateAsync();
        await using var host = new ScriptedLisReceiver(wire.Receiver);
        var output = new SimulatorOutput(TextWriter.Null, TextWriter.Null, TimeProvider.System);
        var query = Task.Run(() => new QueryRunner(output).RunAsync("X1", wire.Instrument, CancellationToken.None));
        await host.ServeUntilEotAsync();
        await host.SendAsync(Enq);
        await host.ExpectAsync(Ack);
        var bad = Frame(1, "H|\\^&");
        bad[^4] ^= 0x01;
        await host.SendAsync(bad);
        await host.ExpectAsync(Nak);
        await host.SendAsync(Frame(1, "H|\\^&"));
        await host.ExpectAsync(Ack);
        await host.SendAsync(Frame(2, "L|1|I"));
        await host.ExpectAsync(Ack);
        await host.SendAsync(Eot);
        Assert.Equal(3, await query.WaitAsync(TimeSpan.FromSeconds(20))); // answered, but no order (L|1|I)
    }

    [Fact]
    public async Task Query_that_the_host_never_answers_exits_with_the_timeout_code_after_the_wait()
    {
        var clock = new EdgeLab.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
        var time = new ObservedTimeProvider(clock);
        await using var wire = await LoopbackPair.CreateAsync();
        await using var host = new ScriptedLisReceiver(wire.Receiver);
        var machine = new StringWriter();
        var output = new SimulatorOutput(machine, TextWriter.Null, time);
        var wait = TimeSpan.FromSeconds(40); // distinct from the 15 s link timers
        var query = Task.Run(() => new QueryRunner(output) { ReplyWait = wait }.RunAsync("X1", wire.Instrument, CancellationToken.None));
        await host.ServeUntilEotAsync();

        await time.WaitForTimerAsync(wait, 1);
        clock.Advance(wait);

        Assert.Equal(QueryExitCodes.Timeout, await query.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains(machine.ToString().Split('\n'), l => l.StartsWith("NOREPLY query-X1 ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("astm")]
    [InlineData("hl7")]
    public async Task Generate_runs_several_instruments_each_on_its_own_connection(string protocol)
    {
        var wires = new List<LoopbackPair>();
        var hosts = new List<ScriptedLisReceiver>();
        using var stop = new CancellationTokenSource();
        var serving = new List<Task>();
        for (var i = 0; i < 3; i++)
        {
            var wire = await LoopbackPair.CreateAsync();
            var host = new ScriptedLisReceiver(wire.Receiver);
            wires.Add(wire);
            hosts.Add(host);
            serving.Add(host.ServeAsync(stop.Token));
        }
        var machine = new StringWriter();
        var output = new SimulatorOutput(machine, TextWriter.Null, TimeProvider.System);
        var options = new GenerateOptions { Instruments = 3, Protocol = protocol, Rate = 1000, Count = 4, Specimens = ["S-1", "S-2"], Seed = 42 };
        var exit = await new GenerateRunner(options, output).RunAsync(
            (i, _) => Task.FromResult<(Stream, IAsyncDisposable)>((wires[i].Instrument, wires[i])), CancellationToken.None);
        await stop.CancelAsync();
        await Task.WhenAll(serving);

        Assert.Equal(0, exit);
        var lines = machine.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(12, lines.Count(l => l.StartsWith("ACKED sim-", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("SUMMARY", StringComparison.Ordinal) && l.Contains(" sent=12 acked=12 failed=0 ", StringComparison.Ordinal));
        Assert.All(lines.Where(l => l.StartsWith("ACKED", StringComparison.Ordinal)), l => Assert.Matches(" S-[12]$", l.TrimEnd()));
        if (protocol == "hl7")
        {
            Assert.All(hosts, h => Assert.Equal(4, h.Hl7Messages.Count));
            Assert.All(hosts.SelectMany(h => h.Hl7Messages), m => Assert.Contains("\rOBX|1|NM|", m, StringComparison.Ordinal));
        }
        else
        {
            Assert.All(hosts, h => Assert.All(h.Frames, f => Assert.True(f.ChecksumOk)));
            Assert.All(hosts, h => Assert.Contains(h.Frames, f => f.Text.StartsWith("R|1|^^^", StringComparison.Ordinal)));
        }
        foreach (var h in hosts) await h.DisposeAsync();
    }

    [Fact]
    public async Task Generate_with_stagger_spreads_the_instruments_evenly_over_one_period()
    {
        var time = new EdgeLab.Testing.FakeTimeProvider();
        var wires = new List<LoopbackPair>();
        var hosts = new List<ScriptedLisReceiver>();
        using var stop = new CancellationTokenSource();
        var serving = new List<Task>();
        for (var i = 0; i < 4; i++)
        {
            var wire = await LoopbackPair.CreateAsync();
            var host = new ScriptedLisReceiver(wire.Receiver);
            wires.Add(wire);
            hosts.Add(host);
            serving.Add(host.ServeAsync(stop.Token));
        }
        var output = new SimulatorOutput(TextWriter.Null, TextWriter.Null, time);
        var options = new GenerateOptions { Instruments = 4, Protocol = "hl7", Rate = 1, Count = 1, Specimens = ["S-1"], Seed = 7, Stagger = true };
        var run = new GenerateRunner(options, output).RunAsync(
            (i, _) => Task.FromResult<(Stream, IAsyncDisposable)>((wires[i].Instrument, wires[i])), CancellationToken.None);

        // Period 1 s over 4 instruments: instrument k sends at k × 250 ms, and not before.
        for (var k = 0; k < 4; k++)
        {
            if (k > 0) time.Advance(TimeSpan.FromMilliseconds(250));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (Received(hosts[k]) == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
            Assert.Equal(1, Received(hosts[k]));
            for (var later = k + 1; later < 4; later++) Assert.Equal(0, Received(hosts[later]));
        }
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(20)));
        await stop.CancelAsync();
        await Task.WhenAll(serving);
        foreach (var h in hosts) await h.DisposeAsync();

        // The receiver appends on its own task; a count read is enough to poll on.
        static int Received(ScriptedLisReceiver host) => host.Hl7Messages.Count;
    }

    [Fact]
    public void Generated_values_are_plausible_and_flagged_against_their_range()
    {
        var random = new Random(3);
        var all = Enumerable.Range(0, 500).SelectMany(i => ResultMessageFactory.Draw("sim-1", i, "S", "mixed", DateTimeOffset.UnixEpoch, random).Values).ToList();
        Assert.All(all, v => Assert.True(v.Value >= 0));
        var flags = all.Select(v => v.Analyte.Flag(v.Value)).ToList();
        Assert.InRange(flags.Count(f => f == "N") / (double)flags.Count, 0.7, 0.98); // mostly normal
        Assert.Contains("H", flags);
        Assert.Contains("L", flags);
        var glucose = new Analyte("GLU", "Glucose", "mmol/L", 3.9, 6.1, 2.2, 25.0, 1);
        Assert.Equal(["LL", "L", "N", "H", "HH"], new[] { 2.0, 3.0, 5.0, 7.0, 30.0 }.Select(glucose.Flag));
        Assert.Equal("3.9-6.1", glucose.Range);
    }
}
