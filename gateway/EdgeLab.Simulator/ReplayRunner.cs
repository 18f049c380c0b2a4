using EdgeLab.Simulator.Astm;
using EdgeLab.Simulator.Faults;
using EdgeLab.Simulator.Hl7;
using EdgeLab.Simulator.Wire;

namespace EdgeLab.Simulator;

/// <summary>What <c>replay</c> was asked to do.</summary>
internal sealed record ReplayOptions
{
    public required IReadOnlyList<string> Files { get; init; }
    public int Repeat { get; init; } = 1;
    public string? Specimen { get; init; }
    public AstmSenderOptions Astm { get; init; } = new();
    public TimeSpan Hl7AckTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public IReadOnlyList<Fault> Faults { get; init; } = [];
}

/// <summary>
/// Replays capture files as the instrument that made them: ASTM captures are taken apart to their records and sent
/// again through the simulator's own LIS01-A2 sender; HL7 files go out in MLLP blocks. One connection for the run.
/// </summary>
internal sealed class ReplayRunner(SimulatorOutput output)
{
    /// <summary>A file's messages, loaded and checked before anything is sent.</summary>
    private sealed record LoadedFile(string Name, IReadOnlyList<AstmMessage>? Astm, IReadOnlyList<Hl7Message>? Hl7);

    /// <summary>Returns the exit code: 0 when every message was acknowledged, 1 otherwise.</summary>
    public async Task<int> RunAsync(ReplayOptions options, Stream connection, CancellationToken cancellationToken)
    {
        var files = options.Files.Select(Load).ToList();
        var faults = new FaultPlan(options.Faults);
        await using var replies = new ByteReceiver(connection, output.Time);
        var astm = new AstmInstrumentSender(connection, replies, options.Astm, faults, output);
        var mllp = new MllpInstrumentSender(connection, replies, options.Hl7AckTimeout, faults, output);
        var counters = files.ToDictionary(f => f.Name, _ => 0);
        var started = output.Time.GetTimestamp();
        var ok = true;
        try
        {
            for (var round = 1; round <= options.Repeat; round++)
            {
                foreach (var file in files)
                {
                    if (file.Astm is not null)
                    {
                        var batch = file.Astm
                            .Select(m => options.Specimen is null ? m : AstmRecordEditor.WithSpecimen(m, options.Specimen))
                            .Select(m => new OutgoingAstmMessage($"{file.Name}#{++counters[file.Name]}", m))
                            .ToList();
                        output.Progress($"{file.Name}: {batch.Count} message(s), {batch.Sum(b => b.Message.Records.Count)} records (round {round}/{options.Repeat})");
                        await astm.SendAsync(batch, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        foreach (var message in file.Hl7!)
                        {
                            var k = ++counters[file.Name];
                            var m = options.Specimen is null ? message : message.WithSpecimen(options.Specimen);
                            if (options.Repeat > 1) m = m.WithControlId($"{message.ControlId}-{round}");
                            try
                            {
                                ok &= await mllp.SendAsync($"{file.Name}#{k}", m, cancellationToken).ConfigureAwait(false) is "AA" or "CA";
                            }
                            catch (SimulatorLinkException e) when (e.Failure == LinkFailure.Timeout)
                            {
                                ok = false;
                                output.Progress(e.Message);
                            }
                        }
                    }
                }
            }
        }
        catch (SimulatorLinkException e)
        {
            output.Progress($"error: {e.Message}");
            ok = false;
        }
        var s = astm.Statistics;
        ok &= s.MessagesFailed == 0;
        var elapsed = output.Time.GetElapsedTime(started);
        output.Machine($"SUMMARY {output.Stamp()} acked={s.MessagesAcked + mllp.Acked} failed={s.MessagesFailed + mllp.Failed} rejected={mllp.Rejected} " +
                       $"frames={s.FramesSent} naks={s.Naks} enq-naks={s.EnqNaks} interrupts={s.Interrupts} aborts={s.Aborts} bytes={s.BytesSent + mllp.BytesSent} elapsed-ms={elapsed.TotalMilliseconds:0}");
        output.Progress($"done: {s.MessagesAcked + mllp.Acked} acknowledged, {s.MessagesFailed + mllp.Failed} failed, {mllp.Rejected} rejected, {s.Naks} NAKs, {elapsed.TotalSeconds:0.0} s");
        return ok ? 0 : 1;
    }

    /// <summary>Reads and parses a file; throws <see cref="FileNotFoundException"/> / <see cref="InvalidDataException"/> with the fix.</summary>
    private static LoadedFile Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"capture file {path} not found: check the path (samples live in tests/samples/astm and tests/samples/hl7)", path);
        var bytes = File.ReadAllBytes(path);
        var name = Path.GetFileName(path);
        if (Hl7Transcript.LooksLikeHl7(bytes))
        {
            var hl7 = Hl7Transcript.Parse(bytes);
            return new LoadedFile(name, null, hl7);
        }
        var astm = AstmTranscript.Parse(bytes);
        if (astm.Count == 0 || astm[0].Records[0][0] != (byte)'H')
            throw new InvalidDataException($"{path} holds no ASTM message (no H record) and no HL7 message (no MSH segment): is it a capture file?");
        return new LoadedFile(name, astm, null);
    }
}
