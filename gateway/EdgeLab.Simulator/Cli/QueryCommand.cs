using System.CommandLine;
using EdgeLab.Simulator.Astm;
using EdgeLab.Simulator.Wire;

namespace EdgeLab.Simulator.Cli;

/// <summary><c>query --specimen ID (--serial PATH | --tcp-connect HOST:PORT | --tcp-listen PORT)</c>.</summary>
internal static class QueryCommand
{
    public static Command Create(TimeProvider time)
    {
        var specimen = new Option<string>("--specimen") { Description = "The tube's specimen id (barcode) to ask the host about", Required = true };
        var wait = new Option<double>("--wait") { Description = "Seconds to wait for the host's answer", DefaultValueFactory = _ => 30 };
        var frameSize = new Option<int>("--frame-size") { Description = "ASTM frame size: 247 or 64000", DefaultValueFactory = _ => 247 };
        var endpoint = new EndpointOptions();
        var command = new Command("query", "Play the instrument side of an ASTM host query: send a Q record for a specimen and print the order the host sends back")
        {
            specimen, wait, frameSize,
        };
        endpoint.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = SimulatorOutput.Console(time, parse.GetValue(endpoint.Verbose));
            var runner = new QueryRunner(output)
            {
                ReplyWait = TimeSpan.FromSeconds(parse.GetValue(wait)),
                Astm = new AstmSenderOptions { FrameSize = parse.GetValue(frameSize) },
            };
            return await CommandRunner.RunAsync(endpoint.Read(parse), output,
                stream => runner.RunAsync(parse.GetValue(specimen)!, stream, cancellationToken), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
