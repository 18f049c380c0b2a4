using System.CommandLine;
using System.Text.Json;
using EdgeLab.Gateway.Cli;
using EdgeLab.Instruments.Dialect.Decode;
using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.Cli;

/// <summary>
/// <c>edgelab-gateway decode --profile NAME FILE</c> through its real command-line parsing (in-process, as
/// Program.cs wires it), and once as the built executable.
/// </summary>
public sealed class DecodeCommandTests
{
    private static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "samples", "astm", name);

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var root = new RootCommand("EdgeLab gateway") { DecodeCommand.Create() };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = root.Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void A_good_capture_exits_0_and_prints_one_json_line_per_message()
    {
        var (exit, output, error) = Run("decode", "--profile", "sysmex-xn", "--time-zone", "UTC", Sample("sysmex_xn550_escape_R_flags.astm"));

        Assert.True(exit == DecodeExitCodes.Ok, error);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        Assert.Equal("sysmex-xn", json.RootElement.GetProperty("profile").GetString());
        Assert.Equal("patient", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal(41, json.RootElement.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public void A_capture_with_a_corrupted_frame_exits_non_zero_naming_the_frame_and_byte_offset()
    {
        using var dir = new ScratchDirectory("decode-cmd");
        var bytes = File.ReadAllBytes(Sample("ortho_vitros3600_results_M_records_repeat_flags.astm"));
        var at = bytes.AsSpan().IndexOf("33.86"u8);
        Assert.True(at > 0);
        bytes[at] = (byte)'4'; // the checksum of frame 4 no longer matches
        var file = dir.File("bad.astm");
        File.WriteAllBytes(file, bytes);

        var (exit, output, error) = Run("decode", "--profile", "ortho-vitros", "--time-zone", "UTC", file);

        Assert.Equal(DecodeExitCodes.BadInput, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("frame 4", error, StringComparison.Ordinal);
        Assert.Contains("byte offset", error, StringComparison.Ordinal);
        Assert.Contains(file, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_profile_option_is_a_usage_error_naming_the_option()
    {
        var (exit, output, error) = Run("decode", Sample("sysmex_xn550_escape_R_flags.astm"));

        Assert.NotEqual(0, exit);
        Assert.DoesNotContain("\"profile\"", output, StringComparison.Ordinal);
        Assert.Contains("--profile", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_describes_the_command_and_its_options()
    {
        var (exit, output, _) = Run("decode", "--help");

        Assert.Equal(0, exit);
        Assert.Contains("Decode an analyzer capture", output, StringComparison.Ordinal);
        Assert.Contains("with a dialect profile", output, StringComparison.Ordinal);
        foreach (var option in new[] { "--profile", "--profiles-dir", "--time-zone", "FILE" })
            Assert.Contains(option, output, StringComparison.Ordinal);
        // Issue 10 item 8: the help said ASTM only, though HL7 captures decode too.
        Assert.Contains("HL7", output, StringComparison.Ordinal);
        Assert.Contains("MLLP", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_built_executable_decodes_and_answers_help()
    {
        await using (var help = EdgeLabComponents.Start(EdgeLabComponents.Gateway, ["decode", "--help"], name: "gateway-decode-help"))
        {
            Assert.True(await help.WaitForExitAsync(TimeSpan.FromSeconds(60)), help.Output);
            Assert.Equal(0, help.ExitCode);
            Assert.Contains("--profile", help.Output, StringComparison.Ordinal);
        }
        await using var decode = EdgeLabComponents.Start(EdgeLabComponents.Gateway,
            ["decode", "--profile", "erba-xl", "--time-zone", "UTC", Sample("erba_xl_backtick_repeat_comment_flagA.astm")], name: "gateway-decode");
        Assert.True(await decode.WaitForExitAsync(TimeSpan.FromSeconds(60)), decode.Output);
        Assert.True(decode.ExitCode == 0, decode.Output);
        Assert.Contains("\"profile\":\"erba-xl\"", decode.Output, StringComparison.Ordinal);
    }
}
