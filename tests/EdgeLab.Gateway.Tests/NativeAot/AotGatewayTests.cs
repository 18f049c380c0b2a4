using System.Diagnostics;
using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.NativeAot;

/// <summary>
/// The Native AOT gateway (net9.0, no JIT, reflection-free) must behave exactly as the JIT one the rest of the suite
/// tests: same help, and byte-identical output, errors and exit codes for every sample capture. Its serving path is
/// exercised by <c>EDGELAB_GATEWAY_EXE=… bench/run.sh footprint</c> (all messages acknowledged or the bench fails).
/// </summary>
public sealed class AotGatewayTests
{
    private static readonly string Samples = Path.Combine(AppContext.BaseDirectory, "samples");

    private static string Profiles => Path.Combine(EdgeLabComponents.RepositoryRoot(), "firmware-config", "instruments");

    [AotGatewayFact]
    public async Task Help_lists_the_same_commands_as_the_jit_build()
    {
        var aot = await RunAsync(AotGatewayExecutable.Executable!, ["--help"]);
        var jit = await RunAsync("dotnet", [EdgeLabComponents.Locate(EdgeLabComponents.Gateway), "--help"]);

        Assert.Equal(0, aot.Exit);
        foreach (var command in new[] { "run", "decode" })
            Assert.Contains(command, Text(aot.Out), StringComparison.Ordinal);
        Assert.Equal(Text(jit.Out), Text(aot.Out));
    }

    [AotGatewayFact]
    public async Task Decoding_every_sample_capture_gives_byte_identical_json_to_the_jit_build()
    {
        var captures = Directory.GetFiles(Path.Combine(Samples, "astm")).Concat(Directory.GetFiles(Path.Combine(Samples, "hl7"))).Order().ToList();
        Assert.True(captures.Count >= 11, $"samples missing in {Samples}");
        var profiles = Directory.GetFiles(Profiles, "*.yaml").Select(Path.GetFileNameWithoutExtension).ToList();
        var printed = 0;
        foreach (var capture in captures)
        {
            var profile = ProfileFor(capture, profiles!);
            string[] args = ["decode", "--profile", profile, "--profiles-dir", Profiles, "--time-zone", "Asia/Tomsk", capture];
            var aot = await RunAsync(AotGatewayExecutable.Executable!, args);
            var jit = await RunAsync("dotnet", [EdgeLabComponents.Locate(EdgeLabComponents.Gateway), .. args]);

            printed += jit.Out.Length > 0 ? 1 : 0; // host query captures print only a note on stderr
            Assert.True(jit.Exit == aot.Exit, $"{capture}: exit {aot.Exit} (AOT) vs {jit.Exit} (JIT); {aot.Err}");
            Assert.True(jit.Out.AsSpan().SequenceEqual(aot.Out),
                $"{capture} with {profile}: AOT output differs from JIT{Environment.NewLine}AOT: {Text(aot.Out)}{Environment.NewLine}JIT: {Text(jit.Out)}");
            Assert.Equal(jit.Err, aot.Err);
        }
        Assert.True(printed >= captures.Count - 2, $"only {printed} of {captures.Count} captures decoded to JSON");
    }

    [AotGatewayFact]
    public async Task A_bad_profile_is_reported_field_by_field_as_the_jit_build_reports_it()
    {
        using var dir = new ScratchDirectory("aot-bad-profile");
        File.WriteAllText(dir.File("bad-one.yaml"),
            "name: bad-one\nprotocol: morse\nmaxFrameSize: big\nspecimenId: { record: X, field: 99 }\ntransport: { baudrate: 9600 }\n");
        string[] args = ["decode", "--profile", "bad-one", "--profiles-dir", dir.Path, Path.Combine(Samples, "astm", "erba_xl_backtick_repeat_comment_flagA.astm")];

        var aot = await RunAsync(AotGatewayExecutable.Executable!, args);
        var jit = await RunAsync("dotnet", [EdgeLabComponents.Locate(EdgeLabComponents.Gateway), .. args]);

        Assert.NotEqual(0, aot.Exit);
        // Values that cannot be read stop the file before validation (as YamlDotNet's exceptions did), all listed.
        foreach (var field in new[] { "maxFrameSize", "transport.baudrate" })
            Assert.Contains($"bad-one.yaml: {field}:", aot.Err, StringComparison.Ordinal);
        Assert.Equal(jit.Exit, aot.Exit);
        Assert.Equal(jit.Err, aot.Err);
    }

    /// <summary>Captures are named after the model (<c>ortho_vitros3600_…</c> → <c>ortho-vitros</c>): the longest profile that prefixes the name.</summary>
    private static string ProfileFor(string capture, IReadOnlyList<string> profiles)
    {
        var name = Path.GetFileName(capture).Replace('_', '-');
        return profiles.Where(p => name.StartsWith(p, StringComparison.Ordinal)).MaxBy(p => p.Length)
            ?? throw new InvalidOperationException($"no profile for sample {capture}");
    }

    private static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);

    /// <summary>Runs to the end and keeps stdout as bytes, so the comparison is byte for byte.</summary>
    private static async Task<(int Exit, byte[] Out, string Err)> RunAsync(string exe, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {exe}");
        using var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var err = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(deadline.Token);
        await copy;
        return (process.ExitCode, stdout.ToArray(), await err);
    }
}
