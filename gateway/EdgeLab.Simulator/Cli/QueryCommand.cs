using System.CommandLine;
using System.Globalization;
using EdgeLab.Simulator.Astm;
using EdgeLab.Simulator.Hl7;
using EdgeLab.Simulator.Wire;

namespace EdgeLab.Simulator.Cli;

/// <summary>
/// <c>query --specimen ID [--profile NAME | --hl7-query qry|qbp] (--serial PATH | --tcp-connect HOST:PORT | --tcp-listen PORT)</c>:
/// an ASTM Q record, or an HL7 QRY^Q02 / QBP^Q11 over MLLP. Exit codes in <see cref="QueryExitCodes"/>.
/// </summary>
internal static class QueryCommand
{
    public static Command Create(TimeProvider time)
    {
        var specimen = new Option<string>("--specimen") { Description = "The tube's specimen id (barcode) to ask the host about", Required = true };
        var replyTimeout = new Option<double>("--reply-timeout", "--wait")
        {
            Description = "Seconds to wait for the host's complete answer (HL7: QCK^Q02 + DSR^Q03, or RSP^K11); exit code 5 when it does not come",
            DefaultValueFactory = _ => 30,
        };
        var frameSize = new Option<int>("--frame-size") { Description = "ASTM frame size: 247 or 64000", DefaultValueFactory = _ => 247 };
        var hl7Query = new Option<string?>("--hl7-query")
        {
            Description = "Speak HL7 over MLLP instead of ASTM: qry = QRY^Q02 with QRD/QRF (Mindray BC/BS, answered QCK^Q02 + DSR^Q03), qbp = QBP^Q11 with QPD/RCP (HL7 v2.5, answered RSP^K11); overrides the profile's hl7.hostQueryMessage",
        };
        var profile = new Option<string?>("--profile")
        {
            Description = "Instrument dialect profile, e.g. mindray-bc5380 (firmware-config/instruments): protocol hl7 sends the profile's hl7.hostQueryMessage in its hl7.version; protocol astm sends a Q record",
        };
        var profilesDir = new Option<string?>("--profiles-dir")
        {
            Description = "Directory of profile YAML files (default: firmware-config/instruments near the executable or the current directory)",
        };
        var endpoint = new EndpointOptions();
        var command = new Command("query",
            "Play the instrument side of a host query for a specimen and print the order the host sends back: ASTM Q record (LIS02-A2), " +
            "or HL7 QRY^Q02 / QBP^Q11 over MLLP (printed as one JSON object). Exit 0 order, 1 link failed, 2 usage, 3 nothing known, " +
            "4 refused, 5 no answer in time, 6 answer unreadable")
        {
            specimen, replyTimeout, frameSize, hl7Query, profile, profilesDir,
        };
        endpoint.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = SimulatorOutput.Console(time, parse.GetValue(endpoint.Verbose));
            var seconds = parse.GetValue(replyTimeout);
            if (seconds is not (> 0 and <= 3600))
            {
                output.Progress($"error: --reply-timeout {seconds} is out of range: give seconds above 0, e.g. 30");
                return QueryExitCodes.Usage;
            }
            var (choice, error) = QueryProtocolChoice.Resolve(parse.GetValue(hl7Query), parse.GetValue(profile), parse.GetValue(profilesDir));
            if (choice is null)
            {
                output.Progress($"error: {error}");
                return QueryExitCodes.Usage;
            }
            var id = parse.GetValue(specimen)!;
            if (choice.Hl7 is { } kind)
            {
                var controlId = "Q" + time.GetUtcNow().UtcDateTime.ToString("yyMMddHHmmssfff", CultureInfo.InvariantCulture);
                var request = new Hl7QueryRequest(kind, id, controlId, choice.Version, choice.Application);
                var hl7 = new Hl7QueryRunner(output) { ReplyTimeout = TimeSpan.FromSeconds(seconds) };
                return await CommandRunner.RunAsync(endpoint.Read(parse), output,
                    stream => hl7.RunAsync(request, stream, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            var runner = new QueryRunner(output)
            {
                ReplyWait = TimeSpan.FromSeconds(seconds),
                Astm = new AstmSenderOptions { FrameSize = parse.GetValue(frameSize) },
            };
            return await CommandRunner.RunAsync(endpoint.Read(parse), output,
                stream => runner.RunAsync(id, stream, cancellationToken), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
