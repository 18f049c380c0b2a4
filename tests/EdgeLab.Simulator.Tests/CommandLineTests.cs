using EdgeLab.Instruments.Transport;
using EdgeLab.LocalServices;
using EdgeLab.Simulator.Tests.Support;

namespace EdgeLab.Simulator.Tests;

/// <summary>The real executable, as the demo runs it: arguments, stdout lines, exit codes.</summary>
public sealed class CommandLineTests
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "edgelab-simulator.dll");

    private static ChildProcess Start(params string[] args) =>
        ChildProcess.Start("dotnet", [Executable, .. args], name: "edgelab-simulator");

    [Theory]
    [InlineData(9600)]
    [InlineData(250_000)] // a non-standard rate: BOTHER on both sides, System.IO.Ports and our termios2 transport
    public async Task Replay_over_a_pty_prints_SENT_and_ACKED_lines_and_exits_0(int baud)
    {
        await using var cable = await SocatPtyPair.StartAsync();
        await using var host = new SerialTransport(new SerialPortSettings(cable.GatewayEnd, baud)).Open();
        await using var receiver = new ScriptedLisReceiver(host);
        using var stop = new CancellationTokenSource();
        var serving = receiver.ServeAsync(stop.Token);
        await using var simulator = Start("replay", Path.Combine(Samples.Directory, "astm", "roche_cobas_c111_etb_per_record.astm"),
            "--serial", cable.InstrumentEnd, "--baud", baud.ToString(System.Globalization.CultureInfo.InvariantCulture), "--specimen", "2611210007");
        Assert.True(await simulator.WaitForExitAsync(TimeSpan.FromSeconds(30)), simulator.Output);
        await stop.CancelAsync();
        await serving;
        Assert.True(simulator.ExitCode == 0, simulator.Output);
        Assert.Matches(@"(?m)^SENT roche_cobas_c111_etb_per_record\.astm#1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z 2611210007$", simulator.Output);
        Assert.Matches(@"(?m)^ACKED roche_cobas_c111_etb_per_record\.astm#1 \S+Z \d+ \d+ 2611210007$", simulator.Output);
        Assert.Contains(receiver.Frames, f => f.Text.StartsWith("O|1||2611210007^^6|", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "replay", "missing.astm", "--tcp-connect", "127.0.0.1:1" }, "capture file missing.astm not found")]
    [InlineData(new[] { "replay", "x.astm" }, "exactly one of --serial PATH, --tcp-connect HOST:PORT or --tcp-listen")]
    [InlineData(new[] { "generate", "--tcp-connect", "127.0.0.1:1", "--fault", "flip@1" }, "unknown fault 'flip'")]
    [InlineData(new[] { "replay", "x.astm", "--serial", "/tmp/edgelab-no-such-pty", "--frame-size", "100" }, "--frame-size must be 247")]
    [InlineData(new[] { "query", "--specimen", "X1", "--hl7-query", "orm", "--tcp-connect", "127.0.0.1:1" }, "--hl7-query 'orm' is not a query form: use qry (QRY^Q02, Mindray) or qbp (QBP^Q11)")]
    [InlineData(new[] { "query", "--specimen", "X1", "--profile", "no-such-analyzer", "--tcp-connect", "127.0.0.1:1" }, "--profile no-such-analyzer: no no-such-analyzer.yaml in ")]
    [InlineData(new[] { "query", "--specimen", "X1", "--profile", "sysmex-xn", "--hl7-query", "qbp", "--tcp-connect", "127.0.0.1:1" }, "--hl7-query needs an HL7 instrument, but profile sysmex-xn speaks astm")]
    public async Task Usage_errors_say_what_to_do_and_exit_non_zero(string[] args, string message)
    {
        await using var simulator = Start(args);
        Assert.True(await simulator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.NotEqual(0, simulator.ExitCode);
        Assert.Contains(message, simulator.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_serial_device_is_named_with_the_fix()
    {
        await using var simulator = Start("replay", Path.Combine(Samples.Directory, "astm", "roche_cobas_c111_etb_per_record.astm"), "--serial", "/tmp/edgelab-no-such-pty");
        Assert.True(await simulator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, simulator.ExitCode);
        Assert.Contains("serial device /tmp/edgelab-no-such-pty not found: is the adapter plugged in?", simulator.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_command_has_help()
    {
        foreach (var command in new[] { "replay", "generate", "query" })
        {
            await using var simulator = Start(command, "--help");
            Assert.True(await simulator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(0, simulator.ExitCode);
            Assert.Contains("--tcp-connect", simulator.Output, StringComparison.Ordinal);
            if (command == "query")
            {
                foreach (var option in new[] { "--hl7-query", "--profile", "--profiles-dir", "--reply-timeout", "QBP^Q11", "QRY^Q02" })
                    Assert.Contains(option, simulator.Output, StringComparison.Ordinal);
            }
        }
    }
}
