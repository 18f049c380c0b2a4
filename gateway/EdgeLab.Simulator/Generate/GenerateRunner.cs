using EdgeLab.Simulator.Astm;
using EdgeLab.Simulator.Faults;
using EdgeLab.Simulator.Hl7;
using EdgeLab.Simulator.Wire;

namespace EdgeLab.Simulator.Generate;

/// <summary>What <c>generate</c> was asked to do.</summary>
internal sealed record GenerateOptions
{
    public int Instruments { get; init; } = 1;
    public string Protocol { get; init; } = "astm";
    /// <summary>Messages per second, per instrument.</summary>
    public double Rate { get; init; } = 1;
    /// <summary>Messages per instrument; null with a <see cref="Duration"/>.</summary>
    public int? Count { get; init; }
    public TimeSpan? Duration { get; init; }
    public string Panel { get; init; } = "mixed";
    public IReadOnlyList<string> Specimens { get; init; } = [];
    public AstmSenderOptions Astm { get; init; } = new();
    public TimeSpan Hl7AckTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public IReadOnlyList<Fault> Faults { get; init; } = [];
    public int? Seed { get; init; }
    /// <summary>
    /// Spread the instruments' schedules evenly over one period instead of starting all in phase. Real analyzers finish
    /// samples independently; in phase, N instruments send N messages in the same instant every period (a stress burst).
    /// </summary>
    public bool Stagger { get; init; }
}

/// <summary>
/// Runs N simulated instruments at once, each on its own connection, each sending generated results at the given
/// rate; prints a progress line now and then and a summary (sent, acked, NAKs, timing) at the end.
/// </summary>
internal sealed class GenerateRunner(GenerateOptions options, SimulatorOutput output)
{
    private readonly object _gate = new();
    private readonly List<double> _latenciesMs = [];
    private int _specimenCursor = -1;
    private int _sent;
    private int _acked;
    private int _failed;
    private int _naks;

    /// <summary>Runs every instrument to the end; <paramref name="connect"/> opens instrument i's connection (0-based).</summary>
    public async Task<int> RunAsync(Func<int, CancellationToken, Task<(Stream, IAsyncDisposable)>> connect, CancellationToken cancellationToken)
    {
        var started = output.Time.GetTimestamp();
        var instruments = Enumerable.Range(0, options.Instruments).Select(i => RunInstrumentAsync(i, connect, cancellationToken)).ToList();
        var results = await Task.WhenAll(instruments).ConfigureAwait(false);
        var elapsed = output.Time.GetElapsedTime(started);
        double[] latencies;
        lock (_gate) latencies = [.. _latenciesMs.Order()];
        var p50 = latencies.Length == 0 ? 0 : latencies[latencies.Length / 2];
        var p95 = latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)(latencies.Length * 0.95))];
        var max = latencies.Length == 0 ? 0 : latencies[^1];
        output.Machine($"SUMMARY {output.Stamp()} instruments={options.Instruments} sent={_sent} acked={_acked} failed={_failed} naks={_naks} " +
                       $"elapsed-ms={elapsed.TotalMilliseconds:0} rate={(elapsed.TotalSeconds > 0 ? _acked / elapsed.TotalSeconds : 0):0.0}/s p50-ms={p50:0} p95-ms={p95:0} max-ms={max:0}");
        output.Progress($"done: {_acked}/{_sent} acknowledged by the receiver, {_failed} failed, {_naks} NAKs in {elapsed.TotalSeconds:0.0} s; ACK latency p50 {p50:0} ms, p95 {p95:0} ms, max {max:0} ms");
        return results.All(ok => ok) && _failed == 0 ? 0 : 1;
    }

    private async Task<bool> RunInstrumentAsync(int index, Func<int, CancellationToken, Task<(Stream, IAsyncDisposable)>> connect, CancellationToken cancellationToken)
    {
        var id = $"sim-{index + 1}";
        var random = options.Seed is { } seed ? new Random(seed + index) : new Random();
        Stream stream;
        IAsyncDisposable owner;
        try
        {
            (stream, owner) = await connect(index, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            output.Progress($"{id}: error: {e.Message}");
            return false;
        }
        await using (owner.ConfigureAwait(false))
        await using (stream.ConfigureAwait(false))
        await using (var replies = new ByteReceiver(stream, output.Time))
        {
            var faults = new FaultPlan(options.Faults);
            var astm = new AstmInstrumentSender(stream, replies, options.Astm, faults, output);
            var mllp = new MllpInstrumentSender(stream, replies, options.Hl7AckTimeout, faults, output);
            var period = TimeSpan.FromSeconds(1 / options.Rate);
            var start = output.Time.GetTimestamp();
            try
            {
                for (var k = 1; options.Count is not { } count || k <= count; k++)
                {
                    var due = period * (k - 1) + (options.Stagger ? period * index / options.Instruments : TimeSpan.Zero);
                    if (options.Duration is { } duration && due >= duration) break;
                    var wait = due - output.Time.GetElapsedTime(start);
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, output.Time, cancellationToken).ConfigureAwait(false);
                    var results = ResultMessageFactory.Draw(id, k, NextSpecimen(id, k), options.Panel, output.Time.GetUtcNow(), random);
                    var messageId = $"{id}#{k}";
                    Interlocked.Increment(ref _sent);
                    var before = output.Time.GetTimestamp();
                    var naksBefore = astm.Statistics.Naks;
                    bool acked;
                    if (options.Protocol == "hl7")
                    {
                        try
                        {
                            acked = await mllp.SendAsync(messageId, ResultMessageFactory.ToHl7(results), cancellationToken).ConfigureAwait(false) is "AA" or "CA";
                        }
                        catch (SimulatorLinkException e) when (e.Failure == LinkFailure.Timeout)
                        {
                            acked = false;
                        }
                    }
                    else
                    {
                        var failedBefore = astm.Statistics.MessagesFailed;
                        await astm.SendAsync([new OutgoingAstmMessage(messageId, ResultMessageFactory.ToAstm(results))], cancellationToken).ConfigureAwait(false);
                        acked = astm.Statistics.MessagesFailed == failedBefore;
                        Interlocked.Add(ref _naks, astm.Statistics.Naks - naksBefore);
                    }
                    if (acked)
                    {
                        Interlocked.Increment(ref _acked);
                        lock (_gate) _latenciesMs.Add(output.Time.GetElapsedTime(before).TotalMilliseconds);
                    }
                    else
                    {
                        Interlocked.Increment(ref _failed);
                    }
                    if (k % 10 == 0) output.Progress($"{id}: {k} sent; all instruments: {_acked} acked, {_failed} failed, {_naks} NAKs");
                }
                return true;
            }
            catch (SimulatorLinkException e)
            {
                output.Progress($"{id}: error: {e.Message}");
                return false;
            }
        }
    }

    /// <summary>Specimen ids from --specimens round-robin across all instruments, else made up per instrument.</summary>
    private string NextSpecimen(string instrumentId, int sequence)
    {
        if (options.Specimens.Count == 0) return $"{instrumentId.ToUpperInvariant().Replace("-", "", StringComparison.Ordinal)}{sequence:D6}";
        var i = Interlocked.Increment(ref _specimenCursor);
        return options.Specimens[i % options.Specimens.Count];
    }
}
