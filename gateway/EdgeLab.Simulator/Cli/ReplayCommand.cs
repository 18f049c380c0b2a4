using System.CommandLine;
using EdgeLab.Simulator.Astm;
using EdgeLab.Simulator.Faults;
using EdgeLab.Simulator.Wire;

namespace EdgeLab.Simulator.Cli;

/// <summary><c>replay FILE… (--serial PATH | --tcp-connect HOST:PORT | --tcp-listen PORT)</c>.</summary>
internal static class ReplayCommand
{
    public static Command Create(TimeProvider time)
    {
        var files = new Argument<string[]>("file")
        {
            Description = "Capture files: ASTM (.astm, raw wire bytes or one record per line) or HL7 (.hl7, segments by CR or LF)",
            Arity = ArgumentArity.OneOrMore,
        };
        var endpoint = new EndpointOptions();
        var frameSize = new Option<int>("--frame-size") { Description = "ASTM frame size: 247 (E1381-95) or 64000 (LIS01-A2)", DefaultValueFactory = _ => 247 };
        var repeat = new Option<int>("--repeat") { Description = "Send the files this many times", DefaultValueFactory = _ => 1 };
        var specimen = new Option<string?>("--specimen") { Description = "Rewrite the specimen id (ASTM O-3/O-4 and Q-3, HL7 OBR-3/OBR-2) so results match a registered referral" };
        var faults = FaultOption();
        var ackTimeout = new Option<double>("--ack-timeout") { Description = "Seconds to wait for an HL7 ACK", DefaultValueFactory = _ => 30 };

        var command = new Command("replay", "Replay capture files as the instrument that made them: ASTM with ENQ, framed records, checksums and ACK waits; HL7 in MLLP blocks")
        {
            files, frameSize, repeat, specimen, faults, ackTimeout,
        };
        endpoint.AddTo(command);
        frameSize.Validators.Add(r =>
        {
            if (r.GetValue(frameSize) is not (247 or 64000)) r.AddError("--frame-size must be 247 (E1381-95 instruments) or 64000 (LIS01-A2 instruments)");
        });
        repeat.Validators.Add(r =>
        {
            if (r.GetValue(repeat) < 1) r.AddError("--repeat must be 1 or more");
        });

        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = SimulatorOutput.Console(time, parse.GetValue(endpoint.Verbose));
            if (!TryFaults(parse.GetValue(faults), output, out var plan)) return CommandRunner.Usage;
            var options = new ReplayOptions
            {
                Files = parse.GetValue(files)!,
                Repeat = parse.GetValue(repeat),
                Specimen = parse.GetValue(specimen),
                Astm = new AstmSenderOptions { FrameSize = parse.GetValue(frameSize) },
                Hl7AckTimeout = TimeSpan.FromSeconds(parse.GetValue(ackTimeout)),
                Faults = plan,
            };
            if (endpoint.Read(parse).Validate() is { } usage)
            {
                output.Progress($"error: {usage}");
                return CommandRunner.Usage;
            }
            foreach (var file in options.Files)
            {
                if (!File.Exists(file))
                {
                    output.Progress($"error: capture file {file} not found: check the path (samples live in tests/samples/astm and tests/samples/hl7)");
                    return CommandRunner.Usage;
                }
            }
            return await CommandRunner.RunAsync(endpoint.Read(parse), output,
                stream => new ReplayRunner(output).RunAsync(options, stream, cancellationToken), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    public static Option<string[]> FaultOption() => new("--fault")
    {
        Description = "Inject a fault (repeatable): bad-checksum@N, drop-frame@N, pause@N:SECONDS, eot-mid-message@N; N counts frames sent (ASTM) or messages (HL7)",
        AllowMultipleArgumentsPerToken = false,
    };

    public static bool TryFaults(string[]? texts, SimulatorOutput output, out List<Fault> faults)
    {
        faults = [];
        foreach (var text in texts ?? [])
        {
            if (!FaultPlan.TryParse(text, out var fault, out var error))
            {
                output.Progress($"error: {error}");
                return false;
            }
            faults.Add(fault!);
        }
        return true;
    }
}
