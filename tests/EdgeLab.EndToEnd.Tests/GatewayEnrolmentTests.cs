using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using EdgeLab.Contract;
using EdgeLab.EndToEnd.Tests.Support;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt;
using Microsoft.Data.Sqlite;

namespace EdgeLab.EndToEnd.Tests;

/// <summary>
/// Issue 12 §1 end to end: <c>edgelab-hub ca init</c>, <c>gateways enrol</c> writing a bootstrap bundle, a real gateway
/// started from nothing but that bundle reaching a real Mosquitto (deploy/mosquitto/edgelab-production.conf: TLS,
/// client certificates, the generated ACL, the CA's CRL) and the real hub, pending until <c>gateways accept</c>; a
/// pre-authorised gateway accepted at once; <c>gateways revoke --ca-dir</c> putting a certificate on the CRL so the
/// broker refuses its handshake while the other gateway still connects.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class GatewayEnrolmentTests
{
    private const string LabId = "enrol-lab";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_enrolled_gateway_starts_from_its_bundle_waits_as_pending_until_accepted_and_a_revoked_one_is_refused_by_the_broker()
    {
        using var scratch = new ScratchDirectory("enrol");
        var hubData = scratch.File("hub");
        var caDir = scratch.File("ca");
        await HubAsync("organizations", "add", "--id", LabId, "--name", "Enrol Lab", "--kind", "lab", "--data", hubData);
        await HubAsync("ca", "init", "--ca-dir", caDir, "--name", "edgelab-test-device-ca");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(caDir, "ca.key")));
        // The broker's and the hub's certificates from the same CA (openssl, as an operator would), the devices' from the hub.
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
        string[] dial = ["--broker-host", broker.Host, "--broker-port", broker.Port.ToString(CultureInfo.InvariantCulture)];
        var bundleA = scratch.File("a.tar.gz");
        var bundleB = scratch.File("b.tar.gz");
        var enrolled = await HubAsync(["gateways", "enrol", "--facility", "Test Hospital", "--lab", LabId, "--out", bundleA, "--gateway-data-dir", scratch.File("data-a"),
            "--data", hubData, .. dial, .. brokerAccess]);
        Assert.Contains($"gateway {LabId}-gw01 enrolled for {LabId} (pending", enrolled, StringComparison.Ordinal);
        await HubAsync(["gateways", "enrol", "--facility", "Test Clinic", "--lab", LabId, "--pre-authorised", "--out", bundleB, "--gateway-data-dir", scratch.File("data-b"),
            "--data", hubData, .. dial, .. brokerAccess]);
        const string A = LabId + "-gw01", B = LabId + "-gw02";
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(bundleA));
        var list = await HubAsync("gateways", "list", "--data", hubData);
        Assert.Contains($"{A}\t{LabId}\tpending", list, StringComparison.Ordinal);
        Assert.Contains($"{B}\t{LabId}\tenabled", list, StringComparison.Ordinal);
        Assert.Contains("Test Hospital\tcertificate until ", list, StringComparison.Ordinal);

        await using var hub = EdgeLabComponents.Start(EdgeLabComponents.Hub,
        [
            "run", "--roles", "ingest", "--data", hubData, "--mqtt-host", broker.Host, "--mqtt-port", broker.Port.ToString(CultureInfo.InvariantCulture),
            "--mqtt-ca", pki.PathOf("ca.crt"), "--mqtt-cert", pki.PathOf("hub-1.crt"), "--mqtt-key", pki.PathOf("hub-1.key"),
            "--urls", $"http://127.0.0.1:{FreeTcpPort.Next()}",
        ], name: "hub");
        await WaitAsync(() => hub.Output.Contains("Ingest subscribed", StringComparison.Ordinal), "the hub's subscription over TLS", () => hub.Output);

        // A starts from the bundle alone: unpacked next to --config (key 0600), TLS with its own certificate. Pending: the
        // hub records that it was heard from, stores nothing of it, and audits the first contact.
        var configA = Path.Combine(scratch.File("etc-a"), "gateway.json");
        var configB = Path.Combine(scratch.File("etc-b"), "gateway.json");
        var hubDb = Path.Combine(hubData, "hub.db");
        await using (var gatewayA = StartGateway(configA, bundleA, "gateway-a"))
        {
            await WaitAsync(() => Scalar(hubDb, "SELECT COUNT(*) FROM gateway WHERE id = $gw AND pending_seen_at IS NOT NULL", A) == 1,
                "the pending gateway heard at the hub", () => gatewayA.Output + hub.Output);
            Assert.Equal(0, Scalar(hubDb, "SELECT COUNT(*) FROM gateway WHERE id = $gw AND last_status_at IS NOT NULL", A));
            Assert.Equal(1, Scalar(hubDb, "SELECT COUNT(*) FROM audit_entry WHERE resource_id = $gw AND action = 'connect-pending'", A));
            await gatewayA.StopAsync(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(scratch.File("etc-a"), "gateway.key")));
        var waiting = await HubAsync("gateways", "list", "--data", hubData);
        Assert.Contains($"{A}\t{LabId}\tpending (enrolled, waiting for acceptance)\twaiting since ", waiting, StringComparison.Ordinal);

        // Accepted: the broker opens A's subtree (SIGHUP) and its status is stored like any gateway's.
        Assert.Contains($"gateway {A} accepted", await HubAsync(["gateways", "accept", "--id", A, "--data", hubData, .. brokerAccess]), StringComparison.Ordinal);
        Assert.Contains($"user {A}\ntopic readwrite {Topics.Root}/{A}/#", await File.ReadAllTextAsync(Path.Combine(broker.DataDirectory, "edgelab-generated.acl")), StringComparison.Ordinal);
        await using var gatewayA2 = StartGateway(configA, bundleA, "gateway-a");
        await using var gatewayB = StartGateway(configB, bundleB, "gateway-b");
        await WaitAsync(() => Scalar(hubDb, "SELECT COUNT(*) FROM gateway WHERE id IN ('" + A + "', '" + B + "') AND online = 1") == 2,
            "both gateways' status stored at the hub", () => gatewayA2.Output + gatewayB.Output + hub.Output);
        Assert.DoesNotContain("unpacked", gatewayA2.Output, StringComparison.Ordinal); // the bundle is read once
        await gatewayB.StopAsync(TimeSpan.FromSeconds(10));

        // Revoked with the CA at hand: B's certificate on the CRL, the broker reloaded; B's handshake is refused, A still connects.
        var revoked = await HubAsync(["gateways", "revoke", "--id", B, "--reason", "box stolen", "--data", hubData, .. brokerAccess]);
        Assert.Contains("is on the CRL", revoked, StringComparison.Ordinal);
        await WaitAsync(async () => !await CanConnectAsync(broker, caDir, scratch.File("etc-b"), B), "the broker refusing B's certificate", () => broker.Output);
        Assert.True(await CanConnectAsync(broker, caDir, scratch.File("etc-a"), A + "-probe"), broker.Output);
        await gatewayA2.StopAsync(TimeSpan.FromSeconds(10));
        foreach (var (gateway, action) in new[] { (A, "enrol"), (A, "connect-pending"), (A, "accept"), (B, "enrol"), (B, "revoke") })
            Assert.Equal(1, Scalar(hubDb, $"SELECT COUNT(*) FROM audit_entry WHERE resource_type = 'Gateway' AND resource_id = $gw AND action = '{action}'", gateway));
    }

    private static ChildProcess StartGateway(string config, string bundle, string name) =>
        EdgeLabComponents.Start(EdgeLabComponents.Gateway, ["run", "--config", config, "--bundle", bundle], name: name);

    /// <summary>A TLS connection with a gateway's unpacked certificate; <paramref name="clientId"/> is replaced by the CN at the broker.</summary>
    private static async Task<bool> CanConnectAsync(MosquittoProcess broker, string caDir, string gatewayDir, string clientId)
    {
        await using var client = new MqttClient(new MqttClientOptions
        {
            Host = broker.Host,
            Port = broker.Port,
            ClientId = clientId,
            Tls = new MqttTlsOptions
            {
                CaCertificate = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(caDir, "ca.crt")),
                ClientCertificate = X509Certificate2.CreateFromPemFile(Path.Combine(gatewayDir, "gateway.crt"), Path.Combine(gatewayDir, "gateway.key")),
            },
            ConnectTimeout = TimeSpan.FromSeconds(5),
        });
        try
        {
            await client.ConnectAsync();
            await client.DisconnectAsync();
            return true;
        }
        catch (Exception e) when (e is MqttConnectionLostException or IOException or System.Security.Authentication.AuthenticationException or MqttConnectException)
        {
            return false;
        }
    }

    /// <summary>deploy/mosquitto/edgelab-production.conf pointed at the device CA's files and a scratch install.</summary>
    internal static async Task<string> ProductionConfigAsync(string caDir)
    {
        var config = await File.ReadAllTextAsync(Path.Combine(EdgeLabComponents.RepositoryRoot(), "deploy", "mosquitto", "edgelab-production.conf"));
        foreach (var (from, to) in new[]
        {
            ("listener 8883", "listener {{PORT}} 127.0.0.1"),
            ("/etc/mosquitto/certs/edgelab-ca.crt", Path.Combine(caDir, "ca.crt")),
            ("/etc/mosquitto/certs/broker.crt", Path.Combine(caDir, "broker.crt")),
            ("/etc/mosquitto/certs/broker.key", Path.Combine(caDir, "broker.key")),
            ("#crlfile /etc/mosquitto/certs/edgelab-ca.crl", "crlfile " + Path.Combine(caDir, "ca.crl")),
            ("/etc/mosquitto/edgelab-generated.acl", "{{DATA}}/edgelab-generated.acl"),
            ("log_dest syslog", "log_dest stderr"),
        })
        {
            Assert.True(config.Contains(from, StringComparison.Ordinal), $"edgelab-production.conf no longer has '{from}'");
            config = config.Replace(from, to, StringComparison.Ordinal);
        }
        return $"""
            user root
            pid_file {"{{DATA}}"}/mosquitto.pid
            persistence_location {"{{DATA}}"}/
            {config}
            """;
    }

    internal static long Scalar(string file, string sql, string? gatewayId = null)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        if (gatewayId is not null) cmd.Parameters.AddWithValue("$gw", gatewayId);
        return (long)cmd.ExecuteScalar()!;
    }

    internal static async Task<string> HubAsync(params string[] args)
    {
        await using var cli = EdgeLabComponents.Start(EdgeLabComponents.Hub, args);
        Assert.True(await cli.WaitForExitAsync(Patience), cli.Output);
        Assert.True(cli.ExitCode == 0, $"edgelab-hub {string.Join(' ', args)}: {cli.Output}");
        await Task.Delay(50); // let the output readers drain
        return cli.Output;
    }

    internal static Task WaitAsync(Func<bool> condition, string what, Func<string> output) => WaitAsync(() => Task.FromResult(condition()), what, output);

    internal static async Task WaitAsync(Func<Task<bool>> condition, string what, Func<string> output)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}\n{output()}");
            await Task.Delay(50);
        }
    }
}
