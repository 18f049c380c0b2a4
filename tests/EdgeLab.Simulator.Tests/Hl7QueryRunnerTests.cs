using System.Text;
using System.Text.Json;
using EdgeLab.Simulator.Hl7;
using EdgeLab.Simulator.Tests.Support;
using EdgeLab.Simulator.Wire;
using EdgeLab.Testing;
using static EdgeLab.Simulator.Tests.Hl7AnswerParserTests;

namespace EdgeLab.Simulator.Tests;

/// <summary>The HL7 query exchange against a scripted host over a loopback socket: acknowledgements, errors and the timer.</summary>
public sealed class Hl7QueryRunnerTests
{
    /// <summary>Reads one MLLP block the simulator sent (bytes before VT skipped).</summary>
    private static async Task<string> ReadBlockAsync(Stream host)
    {
        var body = new List<byte>();
        var one = new byte[1];
        var inBlock = false;
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            if (await host.ReadAsync(one, guard.Token) == 0) throw new EndOfStreamException("the simulator closed the connection");
            if (!inBlock) { inBlock = one[0] == 0x0B; continue; }
            if (one[0] == 0x1C) return Encoding.Latin1.GetString([.. body]);
            body.Add(one[0]);
        }
    }

    private static Task SendAsync(Stream host, string message) => host.WriteAsync(MllpBlocks.Wrap(Encoding.Latin1.GetBytes(message))).AsTask();

    private static JsonElement Json(StringWriter machine)
    {
        var line = Assert.Single(machine.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        using var doc = JsonDocument.Parse(line);
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task QRY_Q02_waits_past_QCK_for_DSR_Q03_and_acknowledges_it_with_ACK_Q03()
    {
        await using var wire = await LoopbackPair.CreateAsync();
        var machine = new StringWriter();
        var runner = new Hl7QueryRunner(new SimulatorOutput(machine, TextWriter.Null, TimeProvider.System));
        var run = Task.Run(() => runner.RunAsync(Qry, wire.Instrument, CancellationToken.None));

        var query = await ReadBlockAsync(wire.Receiver);
        Assert.StartsWith("MSH|^~\\&|mindray-bc5380|EdgeLabSim|||", query, StringComparison.Ordinal);
        Assert.Contains("||QRY^Q02|Q1|P|2.3.1\rQRD|", query, StringComparison.Ordinal);
        // QCK and DSR back to back, as the gateway writes them.
        await SendAsync(wire.Receiver, Qck("OK"));
        await SendAsync(wire.Receiver, Dsr());
        var ack = await ReadBlockAsync(wire.Receiver);

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(20)));
        var segments = ack.TrimEnd('\r').Split('\r');
        Assert.Equal("ACK^Q03", segments[0].Split('|')[8]);
        Assert.Equal("MSA|AA|G2", segments[1]); // MSA-2 = the DSR's MSH-10
        var json = Json(machine);
        Assert.Equal("order", json.GetProperty("outcome").GetString());
        Assert.Equal(["QCK^Q02", "DSR^Q03"], json.GetProperty("answer").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["WBC", "HGB"], json.GetProperty("tests").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_malformed_answer_exits_6_with_the_segment_and_field_in_the_JSON()
    {
        await using var wire = await LoopbackPair.CreateAsync();
        var machine = new StringWriter();
        var progress = new StringWriter();
        var runner = new Hl7QueryRunner(new SimulatorOutput(machine, progress, TimeProvider.System));
        var run = Task.Run(() => runner.RunAsync(Qbp, wire.Instrument, CancellationToken.None));

        await ReadBlockAsync(wire.Receiver);
        await SendAsync(wire.Receiver, Rsp().Replace("|OK|WOS", "|MAYBE|WOS", StringComparison.Ordinal));

        Assert.Equal(QueryExitCodes.MalformedAnswer, await run.WaitAsync(TimeSpan.FromSeconds(20)));
        var json = Json(machine);
        Assert.Equal("malformed-answer", json.GetProperty("outcome").GetString());
        Assert.Equal("QAK", json.GetProperty("error").GetProperty("segment").GetString());
        Assert.Equal(2, json.GetProperty("error").GetProperty("field").GetInt32());
        Assert.Contains("QAK-2 'MAYBE' of RSP^K11", progress.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_that_closes_the_connection_is_a_link_failure_exit_1()
    {
        await using var wire = await LoopbackPair.CreateAsync();
        var machine = new StringWriter();
        var runner = new Hl7QueryRunner(new SimulatorOutput(machine, TextWriter.Null, TimeProvider.System));
        var run = Task.Run(() => runner.RunAsync(Qbp, wire.Instrument, CancellationToken.None));

        await ReadBlockAsync(wire.Receiver);
        wire.Receiver.Close();

        Assert.Equal(QueryExitCodes.LinkFailed, await run.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal("link-error", Json(machine).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task The_reply_timeout_covers_the_whole_answer_QCK_OK_without_DSR_times_out_exit_5()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
        var time = new ObservedTimeProvider(clock);
        await using var wire = await LoopbackPair.CreateAsync();
        var machine = new StringWriter();
        var runner = new Hl7QueryRunner(new SimulatorOutput(machine, TextWriter.Null, time)) { ReplyTimeout = TimeSpan.FromSeconds(30) };
        var run = Task.Run(() => runner.RunAsync(Qry, wire.Instrument, CancellationToken.None));

        await ReadBlockAsync(wire.Receiver);
        var qck = Qck("OK");
        await SendAsync(wire.Receiver, qck);
        // Every byte read starts one timer for the time left (ByteReceiver). The fake clock stands still, so all are
        // 30 s: VT, the payload, FS, the CR after it, and then the wait for DSR^Q03 — which must also end at 30 s.
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(30), Encoding.Latin1.GetByteCount(qck) + 4);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(run.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(QueryExitCodes.Timeout, await run.WaitAsync(TimeSpan.FromSeconds(20)));
        var json = Json(machine);
        Assert.Equal("timeout", json.GetProperty("outcome").GetString());
        Assert.Equal(["QCK^Q02"], json.GetProperty("answer").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("after QCK^Q02 the host sent nothing more within 30 s", json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
