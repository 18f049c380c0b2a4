using System.CommandLine;
using EdgeLab.Instruments.Dialect.Decode;

namespace EdgeLab.Gateway.Cli;

/// <summary>
/// <c>edgelab-gateway decode --profile NAME [--profiles-dir DIR] [--time-zone ZONE] FILE</c>: decodes a capture file
/// (ASTM bytes as on the wire or records one per line; HL7 as MLLP blocks or segments) with a dialect profile and
/// prints one JSON object per analyzer message. Bad input: exit code 1 and a message on stderr that says what and
/// where (frame number, byte offset, record, field); usage errors: exit code 2.
/// </summary>
internal static class DecodeCommand
{
    public static Command Create()
    {
        var profile = new Option<string>("--profile")
        {
            Description = "Dialect profile name, e.g. sysmex-xn (a file in firmware-config/instruments)",
            Required = true,
        };
        var profilesDir = new Option<string?>("--profiles-dir")
        {
            Description = "Directory of profile YAML files (default: firmware-config/instruments near the executable or the current directory)",
        };
        var timeZone = new Option<string?>("--time-zone")
        {
            Description = "IANA time zone of the site, used to read the instrument's local times (default: the machine's)",
        };
        var file = new Argument<FileInfo>("FILE")
        {
            Description = "Capture file. ASTM profiles: ENQ/STX…ETX/EOT wire bytes, or LIS02-A2 records one per line. HL7 profiles: MLLP blocks (VT…FS CR), or segments one per line",
        };

        var command = new Command("decode", "Decode an analyzer capture (ASTM or HL7 v2, as the profile says) with a dialect profile; one JSON object per message, exactly what `run` would commit")
        {
            profile,
            profilesDir,
            timeZone,
            file,
        };
        command.SetAction(parseResult =>
        {
            var options = new DecodeOptions(
                parseResult.GetRequiredValue(profile),
                parseResult.GetRequiredValue(file).FullName,
                parseResult.GetValue(profilesDir),
                parseResult.GetValue(timeZone));
            return DecodeRunner.Run(options, parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);
        });
        return command;
    }
}
