using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using EdgeLab.Contract;
using EdgeLab.EndToEnd.Tests.Support;
using EdgeLab.LocalServices;
using static EdgeLab.EndToEnd.Tests.GatewayEnrolmentTests;

namespace EdgeLab.EndToEnd.Tests;

/// <summary>
/// Issue 12 §1 "renewed over MQTT before they expire, without a visit", end to end: the production broker conf (TLS,
/// require_certificate, use_identity_as_username, the generated ACL, the CRL), the real hub with the device CA answering
/// <c>…/cert-request</c>, and a real gateway started from its enrolment bundle. A certificate enrolled for 10 days is
/// inside the default 30-day window, so the gateway renews on its first connection; the hub's <c>renew-certificate</c>
/// command renews it again; each time the gateway reconnects with the new pair, the registry holds the new serial and
/// results keep arriving. A hub whose CA key is offline refuses: the gateway says why and stays on its certificate.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class GatewayCertificateRenewalTests
{
    private const string LabId = "renew-lab";
    private const string Gw = LabId + "-gw01";

    [Fact]
    public async Task A_gateway_renews_in_its_window_and_on_command_reconnects_with_the_new_certificate_and_keeps_its_own_when_the_hub_refuses()
    {
        using var scratch = new ScratchDirectory("renew");
        var hubData = scratch.File("hub");
        var caDir = scratch.File("ca");
        await HubAsync("organizations", "add", "--id", LabId, "--name", "Renew Lab", "--kind", "lab", "--data", hubData);
        await HubAsync("ca", "init", "--ca-dir", caDir, "--name", "edgelab-renew-test-ca");
        var pki = OpenSslPki.Adopt(caDir);
        await pki.IssueAsync("broker", "127.0.0.1", server: true);
        await pki.IssueAsync("hub-1", "hub-1");
        var baseAcl = await File.ReadAllTextAsync(Path.Combine(EdgeLabComponents.RepositoryRoot(), "deploy", "mosquitto", "edgelab.acl"));
        await using var broker = await MosquittoProcess.StartAsync(await ProductionConfigAsync(caDir), new Dictionary<string, string>
        {
            ["edgelab.acl"] = baseAcl,
            ["edgelab-generated.acl"] = baseAcl,
        });
        string[] brokerAccess =
        [
            "--broker-acl-file", Path.Combine(broker.DataDirectory, "edgelab-generated.acl"),
            "--broker-acl-base", Path.Combine(broker.DataDirectory, "edgelab.acl"),
            "--broker-pid-file", Path.Combine(broker.DataDirectory, "mosquitto.pid"),
            "--ca-dir", caDir,
        ];
        var bundle = scratch.File("gw.tar.gz");
        var gatewayData = scratch.File("gw-data");
        await HubAsync(["gateways", "enrol", "--facility", "Renew Clinic", "--lab", LabId, "--pre-authorised", "--valid-days", "10", "--out", bundle,
            "--gateway-data-dir", gatewayData, "--broker-host", broker.Host, "--broker-port", broker.Port.ToString(CultureInfo.InvariantCulture), "--data", hubData, .. brokerAccess]);

        // The SD card: the bundle unpacked, plus an analyzer on a pty (a technician's addition; the bundle has none).
        var etc = scratch.File("etc");
        Directory.CreateDirectory(etc);
        await using (var tar = ChildProcess.Start("/usr/bin/tar", ["-xzf", bundle, "-C", etc], name: "tar"))
            Assert.True(await tar.WaitForExitAsync(TimeSpan.FromSeconds(30)) && tar.ExitCode == 0, tar.Output);
        await using var cable = await SocatPtyPair.StartAsync();
        var configPath = Path.Combine(etc, "gateway.json");
        var config = JsonNode.Parse(await File.ReadAllTextAsync(configPath))!.AsObject();
        config["profilesDirectory"] = Path.Combine(EdgeLabComponents.RepositoryRoot(), "firmware-config", "instruments");
        config["instruments"] = new JsonArray
        {
            new JsonObject
            {
                ["id"] = "analyzer-1",
                ["profile"] = "generic-lis2",
                ["transport"] = new JsonObject { ["type"] = "serial", ["path"] = cable.GatewayEnd, ["baud"] = 9600 },
            },
        };
        // reboot runs a real process: a script that leaves a file where `systemctl reboot` would reboot.
        var rebootMarker = scratch.File("rebooted");
        var rebootScript = scratch.File("reboot.sh");
        await File.WriteAllTextAsync(rebootScript, $"#!/bin/sh\necho \"$0 $*\" > {rebootMarker}\n");
        config["management"] = new JsonObject { ["rebootCommand"] = $"/bin/sh {rebootScript} now" };
        await File.WriteAllTextAsync(configPath, config.ToJsonString());
        var certPath = Path.Combine(etc, "gateway.crt");
        var enrolled = SerialOnCard(certPath);

        var hubDb = Path.Combine(hubData, "hub.db");
        var hub = StartHub(hubData, broker, pki, caDir, caKey: null);
        try
        {
            await WaitAsync(() => hub.Output.Contains("Ingest subscribed", StringComparison.Ordinal), "the hub's subscription over TLS", () => hub.Output);
            await using var gateway = EdgeLabComponents.Start(EdgeLabComponents.Gateway, ["run", "--config", configPath], name: "gateway");

            // 1. The window: 10 days left < 30 → a new key and certificate at the first connection; the gateway
            //    reconnects with it and only then makes it the pair on the card.
            Assert.NotEqual("", enrolled);
            await WaitAsync(() => SerialOnCard(certPath) != enrolled, "the certificate renewed in its window",
                () => $"{enrolled} on card: {SerialOnCard(certPath)}; {string.Join(", ", Directory.GetFiles(etc))}\n" + gateway.Output + hub.Output);
            var windowed = SerialOnCard(certPath);
            await WaitAsync(() => gateway.Output.Contains("Certificate renewed: serial " + windowed, StringComparison.Ordinal), "the gateway's log of the renewal", () => gateway.Output);
            Assert.True(X509Certificate2.CreateFromPem(File.ReadAllText(certPath)).NotAfter > DateTime.UtcNow.AddDays(300));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(etc, "gateway.key")));
            Assert.False(File.Exists(certPath + ".new"));
            Assert.Equal(1, Scalar(hubDb, $"SELECT COUNT(*) FROM gateway WHERE id = $gw AND cert_serial = '{windowed}'", Gw));
            await WaitAsync(() => Scalar(hubDb, $"SELECT COUNT(*) FROM gateway_event WHERE gateway_id = $gw AND type = '{EventTypes.CertificateRenewed}'", Gw) == 1,
                "the certificate-renewed event at the hub", () => gateway.Output + hub.Output);
            await SendResultAsync(cable, gateway, hubDb, "RNW0000001");

            // 2. The hub's command: renewed again, reconnected, results flow.
            var reply = await HubAsync("gateways", "command", "--id", Gw, "--name", CommandNames.RenewCertificate, "--data", hubData);
            Assert.Contains("renewing", reply, StringComparison.Ordinal);
            await WaitAsync(() => SerialOnCard(certPath) != windowed, "the certificate renewed on command", () => gateway.Output + hub.Output);
            var commanded = SerialOnCard(certPath);
            Assert.Equal(1, Scalar(hubDb, $"SELECT COUNT(*) FROM gateway WHERE id = $gw AND cert_serial = '{commanded}'", Gw));
            await SendResultAsync(cable, gateway, hubDb, "RNW0000002");

            // 3. A hub whose CA key is offline refuses: the cause comes back as an event, the gateway keeps its pair.
            await hub.StopAsync(TimeSpan.FromSeconds(10));
            await hub.DisposeAsync();
            hub = StartHub(hubData, broker, pki, caDir, caKey: Path.Combine(scratch.File("offline"), "ca.key"));
            await WaitAsync(() => hub.Output.Contains("Ingest subscribed", StringComparison.Ordinal), "the restarted hub", () => hub.Output);
            await HubAsync("gateways", "command", "--id", Gw, "--name", CommandNames.RenewCertificate, "--data", hubData);
            await WaitAsync(() => Scalar(hubDb, $"SELECT COUNT(*) FROM gateway_event WHERE gateway_id = $gw AND type = '{EventTypes.CertificateRenewalFailed}' AND text LIKE '%the hub refused%CA key%'", Gw) == 1,
                "the refusal as an event at the hub", () => gateway.Output + hub.Output);
            Assert.Equal(commanded, SerialOnCard(certPath));
            Assert.False(File.Exists(certPath + ".new"));
            Assert.Equal(1, Scalar(hubDb, $"SELECT COUNT(*) FROM gateway WHERE id = $gw AND cert_serial = '{commanded}'", Gw));
            await SendResultAsync(cable, gateway, hubDb, "RNW0000003");

            // 4. reboot (issue 12 §5): the reply first, then the configured command line runs.
            Assert.False(File.Exists(rebootMarker));
            var rebooting = await HubAsync("gateways", "command", "--id", Gw, "--name", CommandNames.Reboot, "--data", hubData);
            Assert.Contains("rebooting", rebooting, StringComparison.Ordinal);
            await WaitAsync(() => File.Exists(rebootMarker) && File.ReadAllText(rebootMarker).Contains("now", StringComparison.Ordinal), "the reboot command line run", () => gateway.Output);
            Assert.Equal(1, Scalar(hubDb, "SELECT COUNT(*) FROM audit_entry WHERE resource_type = 'Gateway' AND resource_id = $gw AND action = 'command-result' AND query LIKE 'reboot % ok'", Gw));
            await gateway.StopAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(2, Scalar(hubDb, "SELECT COUNT(*) FROM audit_entry WHERE resource_type = 'Gateway' AND resource_id = $gw AND action = 'renew'", Gw));
        }
        finally
        {
            await hub.DisposeAsync();
        }
    }

    private static ChildProcess StartHub(string hubData, MosquittoProcess broker, OpenSslPki pki, string caDir, string? caKey) =>
        EdgeLabComponents.Start(EdgeLabComponents.Hub,
        [
            "run", "--roles", "ingest", "--data", hubData, "--mqtt-host", broker.Host, "--mqtt-port", broker.Port.ToString(CultureInfo.InvariantCulture),
            "--mqtt-ca", pki.PathOf("ca.crt"), "--mqtt-cert", pki.PathOf("hub-1.crt"), "--mqtt-key", pki.PathOf("hub-1.key"),
            "--urls", $"http://127.0.0.1:{FreeTcpPort.Next()}", "--ca-dir", caDir, .. caKey is null ? Array.Empty<string>() : ["--ca-key", caKey],
        ], name: "hub");

    private static string SerialOnCard(string certPath)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
            return certificate.SerialNumber;
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException)
        {
            return "";
        }
    }

    private static async Task SendResultAsync(SocatPtyPair cable, ChildProcess gateway, string hubDb, string specimen)
    {
        await using (var simulator = EdgeLabComponents.Start(EdgeLabComponents.Simulator,
            ["generate", "--protocol", "astm", "--serial", cable.InstrumentEnd, "--count", "1", "--specimens", specimen, "--seed", "9"], name: "simulator"))
            Assert.True(await simulator.WaitForExitAsync(TimeSpan.FromSeconds(60)) && simulator.ExitCode == 0, simulator.Output);
        await WaitAsync(() => Scalar(hubDb, $"SELECT COUNT(*) FROM unmatched_result WHERE gateway_id = $gw AND specimen_id = '{specimen}'", Gw) > 0,
            $"result {specimen} stored at the hub", () => gateway.Output);
    }
}
