using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLab.LocalServices;

namespace EdgeLab.Demo;

/// <summary>
/// The whole product on one machine, every part real: Mosquitto, the hub (SQLite), one gateway, two simulated analyzers
/// (ASTM on a socat pseudo-terminal serial line, HL7 over TCP). Registers a synthetic patient and referral, lets the
/// analyzers send results for its specimens, and prints each step with timings until the results are in the FHIR API.
/// </summary>
internal sealed class DemoRun(DemoOptions options, TextWriter output)
{
    public const string GatewayId = "demo-gw01";
    public const string LabOrganization = "demo-lab";
    public const string ClinicOrganization = "demo-clinic";
    private const string AstmInstrument = "xn-550";
    private const string Hl7Instrument = "bc-5380";

    private readonly Timeline _timeline = new(output);
    private readonly List<IAsyncDisposable> _started = [];
    private volatile bool _stopping;

    public async Task<int> RunAsync(CancellationToken stop)
    {
        var scratch = options.DataDirectory is null ? new ScratchDirectory("edgelab-demo") : null;
        var data = options.DataDirectory ?? scratch!.Path;
        Directory.CreateDirectory(data);
        try
        {
            return await RunStepsAsync(data, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            _timeline.Step("stopping (Ctrl-C)");
            return 0;
        }
        catch (DemoFailedException ex)
        {
            _timeline.Step("FAILED: " + ex.Message);
            return 1;
        }
        finally
        {
            _stopping = true;
            _timeline.Step("stopping every process the demo started");
            for (var i = _started.Count - 1; i >= 0; i--)
                await _started[i].DisposeAsync();
            scratch?.Dispose();
        }
    }

    private async Task<int> RunStepsAsync(string data, CancellationToken stop)
    {
        var samples = Path.Combine(options.RepositoryRoot, "tests", "samples");
        var profiles = Path.Combine(options.RepositoryRoot, "firmware-config", "instruments");

        // 1. Broker.
        var broker = await Track(MosquittoProcess.StartAsync());
        _timeline.Step($"mosquitto listening on 127.0.0.1:{broker.Port} (pid {broker.Pid}), no anonymous clients: hub user {broker.HubCredentials.UserName}");

        // 2. Hub: organizations, the gateway's lab, an EMR client, then the service.
        var hubData = Path.Combine(data, "hub");
        Directory.CreateDirectory(hubData);
        string[] hubDb = ["--data", hubData];
        await RunToEndAsync(EdgeLabComponents.Hub, ["migrate", .. hubDb]);
        await RunToEndAsync(EdgeLabComponents.Hub, ["organizations", "add", "--id", LabOrganization, "--name", "Demo regional laboratory", "--kind", "lab", .. hubDb]);
        await RunToEndAsync(EdgeLabComponents.Hub, ["organizations", "add", "--id", ClinicOrganization, "--name", "Demo polyclinic", "--kind", "clinic", .. hubDb]);
        await RunToEndAsync(EdgeLabComponents.Hub, ["gateways", "add", "--id", GatewayId, "--lab", LabOrganization, .. hubDb]);
        var token = ParseToken(await RunToEndAsync(EdgeLabComponents.Hub, ["clients", "add", "--organization", ClinicOrganization, "--name", "demo-emr", .. hubDb], standardOutputOnly: true));
        var httpPort = FreeTcpPort.Next();
        var hubTrace = Path.Combine(data, "hub-trace.jsonl");
        var hub = Track(EdgeLabComponents.Start(EdgeLabComponents.Hub,
            ["run", .. hubDb, .. broker.HubArguments, "--urls", $"http://127.0.0.1:{httpPort}", "--trace-file", hubTrace]));
        using var api = HubApi.Create(httpPort, token);
        await WaitAsync("hub API", () => api.IsHealthyAsync(stop), hub, TimeSpan.FromSeconds(30), stop);
        _timeline.Step($"hub up: API http://127.0.0.1:{httpPort}, ingest subscribed to $share/hub/edgelab/v1/gw/+/results (pid {hub.Pid})");

        // 3. The EMR registers a (synthetic) patient and a referral; the hub issues specimen barcodes.
        var referral = await api.RegisterReferralAsync(DemoReferral(), stop);
        _timeline.Step($"referral {referral.ReferralId} registered for demo patient {referral.PatientId}; specimens {string.Join(", ", referral.SpecimenBarcodes)}");
        var astmSpecimen = referral.SpecimenBarcodes[0];
        var hl7Specimen = referral.SpecimenBarcodes[^1];

        // 4. The cable: a pseudo-terminal pair; the gateway on one end, the ASTM analyzer on the other.
        var cable = await Track(SocatPtyPair.StartAsync());
        _timeline.Step($"serial cable (socat pty pair): analyzer {cable.InstrumentEnd} <-> gateway {cable.GatewayEnd}");

        // 5. Gateway.
        var hl7Port = FreeTcpPort.Next();
        var gwData = Path.Combine(data, "gateway");
        Directory.CreateDirectory(gwData);
        var configPath = Path.Combine(data, "gateway.json");
        // The gateway's own broker user (its id); the broker's ACL confines it to edgelab/v1/gw/<id>/#.
        var gwPasswordFile = broker.PasswordFileFor(await broker.AddUserAsync(GatewayId, stop));
        await File.WriteAllTextAsync(configPath, GatewayConfig(broker.Port, gwPasswordFile, gwData, profiles, cable.GatewayEnd, hl7Port).ToJsonString(new JsonSerializerOptions { WriteIndented = true }), stop);
        var gwTrace = Path.Combine(data, "gateway-trace.jsonl");
        var trace = new PipelineTrace();
        _started.Add(trace);
        trace.Follow(gwTrace, "gateway");
        trace.Follow(hubTrace, "hub");
        trace.Event += e => OnTrace(e);
        var gateway = Track(EdgeLabComponents.Start(EdgeLabComponents.Gateway, ["run", "--config", configPath, "--trace-file", gwTrace]));
        await WaitAsync("gateway HL7 listener", async () =>
        {
            try
            {
                await FreeTcpPort.WaitUntilListeningAsync(hl7Port, TimeSpan.FromMilliseconds(200), cancellationToken: stop);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }, gateway, TimeSpan.FromSeconds(30), stop);
        _timeline.Step($"gateway {GatewayId} up (pid {gateway.Pid}): {AstmInstrument} ASTM on {cable.GatewayEnd}, {Hl7Instrument} HL7/MLLP on 127.0.0.1:{hl7Port}");

        // 6. The analyzers send their results.
        var astm = Track(EdgeLabComponents.Start(EdgeLabComponents.Simulator,
            ["replay", Path.Combine(samples, "astm", "sysmex_xn550_escape_R_flags.astm"), "--serial", cable.InstrumentEnd, "--specimen", astmSpecimen], name: "analyzer-astm"));
        astm.Line += line => OnSimulatorLine("ASTM analyzer", line);
        var hl7 = Track(EdgeLabComponents.Start(EdgeLabComponents.Simulator,
            ["replay", Path.Combine(samples, "hl7", "mindray_bc5380_hl7_oru_r01.hl7"), "--tcp-connect", $"127.0.0.1:{hl7Port}", "--specimen", hl7Specimen], name: "analyzer-hl7"));
        hl7.Line += line => OnSimulatorLine("HL7 analyzer", line);
        _timeline.Step($"analyzers sending: Sysmex XN-550 transcript (ASTM, specimen {astmSpecimen}), Mindray BC-5380 transcript (HL7, specimen {hl7Specimen})");

        // 7. Wait until the EMR can read the results.
        var firstVisible = await WaitForObservationsAsync(api, referral.PatientId, stop);
        var visibleAt = DateTimeOffset.UtcNow;
        _timeline.Step($"visible in the FHIR API: {firstVisible} Observation(s) for patient {referral.PatientId}");
        PrintTimings(trace, visibleAt);
        output.WriteLine();
        output.WriteLine($"FHIR base URL: http://127.0.0.1:{httpPort}/fhir");
        output.WriteLine($"EMR bearer token (organization {ClinicOrganization}): {token}");
        output.WriteLine($"try: curl -s -H 'Authorization: Bearer {token}' 'http://127.0.0.1:{httpPort}/fhir/Observation?patient={referral.PatientId}'");
        output.WriteLine();
        if (options.Once) return 0;

        _timeline.Step("running; press Ctrl-C to stop");
        await Task.Delay(Timeout.Infinite, stop);
        return 0;
    }

    private async Task<int> WaitForObservationsAsync(HubApi api, string patientId, CancellationToken stop)
    {
        var deadline = _timeline.Elapsed + options.Timeout;
        while (true)
        {
            stop.ThrowIfCancellationRequested();
            var observations = await api.ObservationsAsync(patientId, stop);
            if (observations.Count > 0) return observations.Count;
            if (_timeline.Elapsed > deadline)
                throw new DemoFailedException($"no result was visible through the FHIR API within {options.Timeout.TotalSeconds:0} s");
            await Task.Delay(100, stop);
        }
    }

    private void OnTrace(TraceEvent e)
    {
        if (_stopping) return;
        // The gateway traces every outbox row (results and events such as link-up); the hub traces stored results.
        var what = e.Name switch
        {
            "received" => $"gateway: outbox #{e.Key} ({e.Instrument}) received",
            "committed" => $"gateway: outbox #{e.Key} ({e.Instrument}) committed to disk; the analyzer gets its ACK now",
            "published" => $"gateway: outbox #{e.Key} published to the broker",
            "acked" => $"gateway: outbox #{e.Key} acknowledged by the hub end to end; row released",
            "stored" => $"hub: result message {e.Key} stored and linked to the referral",
            _ => null,
        };
        if (what is not null) _timeline.Step(what);
    }

    /// <summary>For each result the hub stored: how long each hop took, from the trace files.</summary>
    private void PrintTimings(PipelineTrace trace, DateTimeOffset visibleAt)
    {
        var stored = trace.Seen.Where(kv => kv.Key.Event == "stored").OrderBy(kv => kv.Value).ToList();
        if (stored.Count == 0) return;
        output.WriteLine();
        output.WriteLine("result message          received→committed  →published  →stored at hub  →visible in FHIR (first poll)");
        foreach (var (key, storedAt) in stored)
        {
            var seq = key.Key[(key.Key.LastIndexOf(':') + 1)..];
            string Ms(string ev, DateTimeOffset from, out DateTimeOffset at)
            {
                at = trace.Seen.TryGetValue((ev, seq), out var t) ? t : from;
                return $"{(at - from).TotalMilliseconds,8:0} ms";
            }
            if (!trace.Seen.TryGetValue(("received", seq), out var received)) continue;
            var committed = Ms("committed", received, out var committedAt);
            var published = Ms("published", committedAt, out var publishedAt);
            var toStored = $"{(storedAt - publishedAt).TotalMilliseconds,8:0} ms";
            var toVisible = visibleAt >= storedAt ? $"{(visibleAt - storedAt).TotalMilliseconds,8:0} ms" : "       –";
            output.WriteLine($"{key.Key,-22} {committed,19} {published,11} {toStored,15} {toVisible,17}");
        }
    }

    private void OnSimulatorLine(string who, string line)
    {
        if (_stopping) return;
        if (line.StartsWith("ACKED", StringComparison.Ordinal) || line.StartsWith("SENT", StringComparison.Ordinal) || line.Contains("error", StringComparison.OrdinalIgnoreCase))
            _timeline.Step($"{who}: {line}");
    }

    private static JsonObject DemoReferral() => new()
    {
        // Synthetic patient: the SNILS below is made up and valid only by its checksum.
        ["patient"] = new JsonObject
        {
            ["snils"] = "112-233-445 95",
            ["oms"] = "7700000000000017",
            ["family"] = "Тестова",
            ["given"] = "Анна",
            ["middle"] = "Петровна",
            ["sex"] = "F",
            ["birthDate"] = "1984-03-12",
        },
        ["orderingOrganization"] = ClinicOrganization,
        ["practitioner"] = "Demo Physician",
        ["performingLab"] = LabOrganization,
        // A complete blood count, analyte by analyte as the regional catalog lists it.
        ["tests"] = new JsonArray("WBC", "RBC", "HGB", "HCT", "MCV", "MCH", "MCHC", "PLT"),
    };

    private static JsonObject GatewayConfig(int brokerPort, string passwordFile, string dataDir, string profilesDir, string serialPath, int hl7Port) => new()
    {
        ["configVersion"] = 1,
        ["gatewayId"] = GatewayId,
        ["organizationId"] = LabOrganization,
        ["timeZone"] = "Asia/Tomsk",
        ["dataDirectory"] = dataDir,
        ["profilesDirectory"] = profilesDir,
        ["mqtt"] = new JsonObject { ["host"] = "127.0.0.1", ["port"] = brokerPort, ["keepAliveSeconds"] = 30, ["username"] = GatewayId, ["passwordFile"] = passwordFile },
        ["instruments"] = new JsonArray(
            new JsonObject
            {
                ["id"] = AstmInstrument,
                ["profile"] = "sysmex-xn",
                ["transport"] = new JsonObject { ["type"] = "serial", ["path"] = serialPath, ["baud"] = 9600, ["dataBits"] = 8, ["parity"] = "none", ["stopBits"] = 1 },
            },
            new JsonObject
            {
                ["id"] = Hl7Instrument,
                ["profile"] = "mindray-bc5380",
                ["transport"] = new JsonObject { ["type"] = "tcp-server", ["host"] = "127.0.0.1", ["port"] = hl7Port },
            }),
    };

    private static string ParseToken(string output)
    {
        // `clients add` writes the token alone on stdout (its explanations go to stderr).
        var token = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return string.IsNullOrWhiteSpace(token) ? throw new DemoFailedException("`edgelab-hub clients add` printed no token on stdout") : token;
    }

    private async Task<string> RunToEndAsync(EdgeLabComponents.Component component, string[] args, bool standardOutputOnly = false)
    {
        await using var p = EdgeLabComponents.Start(component, args);
        if (!await p.WaitForExitAsync(TimeSpan.FromSeconds(60)))
            throw new DemoFailedException($"{component.AssemblyName} {string.Join(' ', args)} did not finish within 60 s");
        await Task.Delay(20);
        if (p.ExitCode != 0)
            throw new DemoFailedException($"{component.AssemblyName} {string.Join(' ', args)} failed (exit {p.ExitCode}): {p.Output}");
        return standardOutputOnly ? p.StandardOutput : p.Output;
    }

    private async Task WaitAsync(string what, Func<Task<bool>> ready, ChildProcess process, TimeSpan timeout, CancellationToken stop)
    {
        var deadline = _timeline.Elapsed + timeout;
        while (!await ready())
        {
            if (process.HasExited)
                throw new DemoFailedException($"{process.Name} exited (code {process.ExitCode}) before {what} was ready: {process.Output}");
            if (_timeline.Elapsed > deadline)
                throw new DemoFailedException($"{what} not ready within {timeout.TotalSeconds:0} s: {process.Output}");
            await Task.Delay(100, stop);
        }
    }

    private T Track<T>(T resource) where T : IAsyncDisposable
    {
        _started.Add(resource);
        return resource;
    }

    private async Task<T> Track<T>(Task<T> starting) where T : IAsyncDisposable => Track(await starting);

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);
}

internal sealed class DemoFailedException(string message) : Exception(message);
