using System.CommandLine;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Cli;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Gateway.Tests.Support;
using EdgeLab.Instruments.Dialect;
using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.Pipeline;

/// <summary>
/// QC and calibration runs are told from patient results by each profile's rules (ASTM: specimen id prefix, O.16
/// descriptor; HL7: SPM-11 role, MSH-11), from synthetic captures (Captures/README.md): the <c>decode</c> command
/// reports the kind, and the real gateway, fed by the simulator over a socat pty (ASTM) or TCP (HL7), commits the
/// result with that kind.
/// </summary>
public sealed class ResultKindTests
{
    public static TheoryData<string, string, string, string> Captures => new()
    {
        { "sysmex-xn", "astm/sysmex_xn_qc.astm", SpecimenKinds.Qc, "QC-L1-261121" },
        { "sysmex-xn", "astm/sysmex_xn_calibration.astm", SpecimenKinds.Calibration, "CAL-261121-01" },
        { "roche-cobas-c311", "astm/roche_cobas_c311_qc.astm", SpecimenKinds.Qc, "PNU-261121" },
        { "roche-cobas-c311", "astm/roche_cobas_c311_calibration.astm", SpecimenKinds.Calibration, "CFAS-261121" },
        { "generic-hl7", "hl7/generic_hl7_qc.hl7", SpecimenKinds.Qc, "QC-L2-261121" },
        { "generic-hl7", "hl7/generic_hl7_calibration.hl7", SpecimenKinds.Calibration, "CAL-261121-03" },
        { "mindray-bc5380", "hl7/mindray_bc5380_qc.hl7", SpecimenKinds.Qc, "QC-BC-261121" },
    };

    private static string CapturePath(string file) => Path.Combine(AppContext.BaseDirectory, "Captures", file);

    [Theory]
    [MemberData(nameof(Captures))]
    public void Decode_reports_the_kind_the_profile_rules_give(string profile, string file, string kind, string specimenId)
    {
        var root = new RootCommand("EdgeLab gateway") { DecodeCommand.Create() };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = root.Parse(["decode", "--profile", profile, "--time-zone", "UTC", CapturePath(file)])
            .Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });

        Assert.True(exit == 0, stderr.ToString());
        using var json = JsonDocument.Parse(Assert.Single(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(kind, json.RootElement.GetProperty("kind").GetString());
        Assert.Equal(specimenId, json.RootElement.GetProperty("specimenId").GetString());
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public async Task Replayed_into_the_gateway_the_result_is_committed_with_its_kind(string profile, string file, string kind, string specimenId)
    {
        var hl7 = file.EndsWith(".hl7", StringComparison.Ordinal);
        await using var cable = hl7 ? null : await SocatPtyPair.StartAsync();
        var port = FreeTcpPort.Next();
        var transport = hl7
            ? new TransportConfig { Type = TransportConfig.TcpServer, Host = "127.0.0.1", Port = port }
            : new TransportConfig { Type = TransportConfig.Serial, Path = cable!.GatewayEnd };
        // No broker listens on this port: the uplink keeps retrying and the committed row stays where the test reads it.
        await using var gw = await GatewayUnderTest.StartWithoutBrokerAsync(FreeTcpPort.Next(), configure: c => c with
        {
            ProfilesDirectory = ProfileCatalog.FindDefaultDirectory(),
            Instruments = [new InstrumentConfig { Id = "analyzer-1", Profile = profile, Transport = transport }],
        });
        if (hl7) await FreeTcpPort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30));

        string[] endpoint = hl7 ? ["--tcp-connect", $"127.0.0.1:{port}"] : ["--serial", cable!.InstrumentEnd];
        await using (var simulator = EdgeLabComponents.Start(EdgeLabComponents.Simulator, ["replay", .. endpoint, CapturePath(file)], name: "simulator-replay"))
        {
            Assert.True(await simulator.WaitForExitAsync(TimeSpan.FromSeconds(90)), simulator.Output);
            Assert.True(simulator.ExitCode == 0, $"simulator exit {simulator.ExitCode}: {simulator.Output}\ngateway log: {string.Join('\n', gw.App.Logs.Tail(30))}");
        }

        // The analyzer was acknowledged only after the commit (guarantee 1), so the row is there now.
        var rows = gw.App.Outbox.Reader.ReadPending(1, 100).Where(r => r.Kind == OutboxKinds.Result).ToList();
        var result = JsonSerializer.Deserialize(Assert.Single(rows).Payload.Span, WireJson.Default.ResultMessage)!;
        Assert.Equal(kind, result.Kind);
        Assert.Equal(specimenId, result.SpecimenId);
        Assert.Equal("analyzer-1", result.InstrumentId);
        Assert.Equal(profile, result.Profile);
        Assert.NotEmpty(result.Results);
    }
}
