using System.CommandLine;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Detection;

namespace EdgeLab.Gateway.Cli;

/// <summary>
/// <c>edgelab-gateway detect show|reset --config FILE [--instrument ID]</c>: what auto-detection kept in the data
/// directory (rate, framing, protocol, sender, profile, suggestion), and forgetting it so the instrument is detected
/// again at the gateway's next start (a running gateway: the hub's <c>redetect</c> command does both).
/// </summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The gateway's configuration file", Required = true };
        var instrument = new Option<string?>("--instrument") { Description = "Instrument id (reset: required)" };
        var show = new Command("show", "Print what auto-detection found and kept for each instrument") { config, instrument };
        show.SetAction(parse => Run(parse, config, instrument, reset: false));
        var reset = new Command("reset", "Forget an instrument's detected rate and profile: it is detected again at the next start") { config, instrument };
        reset.SetAction(parse => Run(parse, config, instrument, reset: true));
        return new Command("detect", "Auto-detection results (instruments with profile \"auto\" or baud \"auto\")") { show, reset };
    }

    private static int Run(ParseResult parse, Option<string> configOption, Option<string?> instrumentOption, bool reset)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        GatewayConfig config;
        try
        {
            config = GatewayConfigLoader.LoadFile(parse.GetValue(configOption)!);
        }
        catch (GatewayConfigException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }
        var id = parse.GetValue(instrumentOption);
        if (id is not null && config.Instruments.All(i => i.Id != id))
        {
            error.WriteLine($"--instrument: \"{id}\" is not configured (instruments: {string.Join(", ", config.Instruments.Select(i => i.Id))})");
            return 2;
        }
        var store = new DetectionStore(config.DataDirectory);
        if (reset)
        {
            if (id is null)
            {
                error.WriteLine("--instrument: required for reset");
                return 2;
            }
            output.WriteLine(store.Reset(id) ? $"{id}: detection forgotten; it is detected again when the gateway starts" : $"{id}: nothing was kept");
            return 0;
        }
        foreach (var i in config.Instruments.Where(i => id is null || i.Id == id))
        {
            var kept = store.Get(i.Id, InstrumentDetections.LineOf(i.Transport));
            output.WriteLine(kept is null
                ? $"{i.Id}: {(i.DetectsProfile || i.Transport.DetectsBaud ? "not detected yet" : "not auto-detected")}"
                : $"{i.Id}: {kept.Stage} {(kept.Baud is { } b ? $"{b} {kept.Framing} " : "")}{kept.Protocol} sender {kept.Sender ?? "-"} profile {kept.Profile ?? "-"}{(kept.Suggestion is { } s ? $" — {s}" : "")}");
        }
        return 0;
    }
}
