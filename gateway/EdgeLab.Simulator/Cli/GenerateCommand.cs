using System.CommandLine;
using System.Globalization;
using EdgeLab.Simulator.Astm;
using EdgeLab.Simulator.Generate;
using EdgeLab.Simulator.Wire;

namespace EdgeLab.Simulator.Cli;

/// <summary><c>generate --instruments N --rate R/s (--count C | --duration S) …</c>.</summary>
internal static class GenerateCommand
{
    public static Command Create(TimeProvider time)
    {
        var instruments = new Option<int>("--instruments") { Description = "How many instruments to simulate, each on its own connection", DefaultValueFactory = _ => 1 };
        var rate = new Option<string>("--rate") { Description = "Messages per second per instrument: 2, 2/s or 30/min", DefaultValueFactory = _ => "1/s" };
        var count = new Option<int?>("--count") { Description = "Messages per instrument (default 10 when no --duration)" };
        var duration = new Option<double?>("--duration") { Description = "Seconds to keep sending" };
        var protocol = new Option<string>("--protocol") { Description = "astm (LIS01-A2/LIS02-A2) or hl7 (ORU^R01 over MLLP)", DefaultValueFactory = _ => "astm" };
        protocol.AcceptOnlyFromAmong("astm", "hl7");
        var panel = new Option<string>("--panel") { Description = "cbc, chem or mixed", DefaultValueFactory = _ => "mixed" };
        panel.AcceptOnlyFromAmong("cbc", "chem", "mixed");
        var specimens = new Option<string?>("--specimens") { Description = "Specimen ids to use round-robin, comma-separated (e.g. registered referrals' barcodes)" };
        var specimensFile = new Option<string?>("--specimens-file") { Description = "File with one specimen id per line" };
        var frameSize = new Option<int>("--frame-size") { Description = "ASTM frame size: 247 or 64000", DefaultValueFactory = _ => 247 };
        var seed = new Option<int?>("--seed") { Description = "Random seed, for repeatable values" };
        var replyTimeout = new Option<double>("--reply-timeout")
        {
            Description = "ASTM: seconds to wait for the receiver's reply to ENQ or a frame (LIS01-A2 §6.5.2.1: 15); shorter lets a test notice a dead receiver sooner",
            DefaultValueFactory = _ => AstmControl.ReplyTimeout.TotalSeconds,
        };
        var stagger = new Option<bool>("--stagger")
        {
            Description = "Spread the instruments' sending evenly over one period (as real analyzers are) instead of all at once each period",
        };
        var faults = ReplayCommand.FaultOption();
        var endpoint = new EndpointOptions();
        var command = new Command("generate", "Simulate N instruments sending realistic random CBC/chemistry results at a rate; prints progress and a summary")
        {
            instruments, rate, count, duration, protocol, panel, specimens, specimensFile, frameSize, seed, replyTimeout, stagger, faults,
        };
        endpoint.AddTo(command);
        endpoint.Serial.Description = "Serial devices, comma-separated, one per instrument";
        endpoint.TcpListen.Description = "Listen on [HOST:]PORT; instrument i listens on PORT+i";

        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = SimulatorOutput.Console(time, parse.GetValue(endpoint.Verbose));
            if (!ReplayCommand.TryFaults(parse.GetValue(faults), output, out var plan)) return CommandRunner.Usage;
            if (!TryRate(parse.GetValue(rate)!, out var perSecond))
            {
                output.Progress($"error: --rate '{parse.GetValue(rate)}' is not a rate: use e.g. 2, 2/s or 30/min");
                return CommandRunner.Usage;
            }
            if (parse.GetValue(replyTimeout) is not (> 0 and <= 3600))
            {
                output.Progress($"error: --reply-timeout {parse.GetValue(replyTimeout)} is out of range: give seconds above 0, e.g. 15");
                return CommandRunner.Usage;
            }
            var n = parse.GetValue(instruments);
            if (n < 1)
            {
                output.Progress("error: --instruments must be 1 or more");
                return CommandRunner.Usage;
            }
            List<string> ids = [.. (parse.GetValue(specimens) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
            if (parse.GetValue(specimensFile) is { } file)
            {
                if (!File.Exists(file))
                {
                    output.Progress($"error: --specimens-file {file} not found: give a file with one specimen id per line");
                    return CommandRunner.Usage;
                }
                ids.AddRange(File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')));
            }
            var baseEndpoint = endpoint.Read(parse);
            if (baseEndpoint.Validate() is { } usage)
            {
                output.Progress($"error: {usage}");
                return CommandRunner.Usage;
            }
            var serials = baseEndpoint.SerialPath?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (serials is not null && serials.Length != n)
            {
                output.Progress($"error: {n} instruments need {n} serial devices in --serial (comma-separated), got {serials.Length}");
                return CommandRunner.Usage;
            }
            var options = new GenerateOptions
            {
                Instruments = n,
                Protocol = parse.GetValue(protocol)!,
                Rate = perSecond,
                Count = parse.GetValue(count) ?? (parse.GetValue(duration) is null ? 10 : null),
                Duration = parse.GetValue(duration) is { } d ? TimeSpan.FromSeconds(d) : null,
                Panel = parse.GetValue(panel)!,
                Specimens = ids,
                Astm = new AstmSenderOptions { FrameSize = parse.GetValue(frameSize), ReplyTimeout = TimeSpan.FromSeconds(parse.GetValue(replyTimeout)) },
                Faults = plan,
                Seed = parse.GetValue(seed),
                Stagger = parse.GetValue(stagger),
            };
            output.Progress($"{n} instrument(s), {options.Protocol}, {perSecond:0.##} message(s)/s each, " +
                            (options.Count is { } c ? $"{c} message(s) each" : $"for {options.Duration!.Value.TotalSeconds:0} s") + $", on {baseEndpoint.Describe()}");
            try
            {
                return await new GenerateRunner(options, output).RunAsync(async (i, ct) =>
                {
                    var one = baseEndpoint with
                    {
                        SerialPath = serials?[i],
                        TcpListen = baseEndpoint.TcpListen is null ? null : OffsetPort(baseEndpoint.TcpListen, i),
                    };
                    return await one.OpenAsync(output, ct).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                output.Progress("stopped");
                return CommandRunner.Failed;
            }
        });
        return command;
    }

    internal static bool TryRate(string text, out double perSecond)
    {
        var per = 1.0;
        if (text.EndsWith("/s", StringComparison.Ordinal)) text = text[..^2];
        else if (text.EndsWith("/min", StringComparison.Ordinal))
        {
            text = text[..^4];
            per = 60;
        }
        var ok = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0;
        perSecond = ok ? value / per : 0;
        return ok;
    }

    private static string OffsetPort(string hostPort, int offset)
    {
        var colon = hostPort.LastIndexOf(':');
        var port = int.Parse(colon < 0 ? hostPort : hostPort[(colon + 1)..], CultureInfo.InvariantCulture) + offset;
        return colon < 0 ? port.ToString(CultureInfo.InvariantCulture) : $"{hostPort[..colon]}:{port}";
    }
}
