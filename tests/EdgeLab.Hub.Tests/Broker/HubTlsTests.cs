using System.Globalization;
using EdgeLab.Hub.Tests.Ingest;
using EdgeLab.LocalServices;

namespace EdgeLab.Hub.Tests.Broker;

/// <summary>
/// Issue 9 item 5: the hub on the production-style broker (TLS, client certificates, identity = user = client id),
/// with a throwaway CA made by openssl on loopback.
/// </summary>
public sealed class HubTlsTests
{
    private const string ProductionStyle = """
        user root
        per_listener_settings false
        listener {{PORT}} 127.0.0.1
        cafile {{DATA}}/ca.crt
        certfile {{DATA}}/server.crt
        keyfile {{DATA}}/server.key
        require_certificate true
        use_identity_as_username true
        use_username_as_clientid true
        allow_anonymous false
        acl_file {{DATA}}/edgelab.acl
        persistence false
        log_dest stderr
        log_type error
        log_type warning
        """;

    private const string Acl = """
        user hub-1
        topic readwrite edgelab/v1/gw/#
        topic readwrite $share/hub/edgelab/v1/gw/#
        """;

    [Fact]
    public async Task The_hub_connects_over_tls_with_its_certificate_and_without_tls_options_it_logs_and_retries_instead_of_crashing()
    {
        using var pki = new ScratchDirectory("openssl-ca");
        await OpenSslAsync(pki.Path, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=edgelab-test-ca");
        await IssueAsync(pki.Path, "server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1");
        await IssueAsync(pki.Path, "hub-1", "/CN=hub-1", "extendedKeyUsage=clientAuth");
        await using var broker = await MosquittoProcess.StartAsync(ProductionStyle, new Dictionary<string, string>
        {
            ["ca.crt"] = await File.ReadAllTextAsync(Path.Combine(pki.Path, "ca.crt")),
            ["server.crt"] = await File.ReadAllTextAsync(Path.Combine(pki.Path, "server.crt")),
            ["server.key"] = await File.ReadAllTextAsync(Path.Combine(pki.Path, "server.key")),
            ["edgelab.acl"] = Acl,
        });
        await using var hub = await Support.TestHub.CreateAsync("sqlite");
        var port = broker.Port.ToString(CultureInfo.InvariantCulture);

        // Plain TCP against the TLS port: was exit 134 (unhandled exception); now a log line and a retry.
        await using (var plain = EdgeLabComponents.Start(EdgeLabComponents.Hub,
            ["run", "--roles", "ingest", .. hub.StorageArguments, "--mqtt-host", "127.0.0.1", "--mqtt-port", port, "--urls", $"http://127.0.0.1:{FreeTcpPort.Next()}"]))
        {
            await WaitForOutputAsync(plain, "Cannot connect to the MQTT broker");
            await WaitForOutputAsync(plain, "retrying", occurrences: 2);
            Assert.False(plain.HasExited, plain.Output);
        }

        await using var node = EdgeLabComponents.Start(EdgeLabComponents.Hub,
        [
            "run", "--roles", "ingest", .. hub.StorageArguments, "--mqtt-host", "127.0.0.1", "--mqtt-port", port,
            "--mqtt-ca", Path.Combine(pki.Path, "ca.crt"), "--mqtt-cert", Path.Combine(pki.Path, "hub-1.crt"), "--mqtt-key", Path.Combine(pki.Path, "hub-1.key"),
            "--urls", $"http://127.0.0.1:{FreeTcpPort.Next()}",
        ]);
        await TwoHubNodesTests.WaitForSubscribedAsync(node);
        Assert.Contains("(tls)", node.Output, StringComparison.Ordinal);
    }

    private static async Task IssueAsync(string dir, string name, string subject, string extension)
    {
        await File.WriteAllTextAsync(Path.Combine(dir, name + ".ext"), extension + "\n");
        await OpenSslAsync(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject);
        await OpenSslAsync(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
    }

    private static async Task OpenSslAsync(string dir, params string[] args)
    {
        await using var p = ChildProcess.Start("openssl", args, workingDirectory: dir, name: "openssl");
        Assert.True(await p.WaitForExitAsync(TimeSpan.FromSeconds(30)), "openssl hung");
        await Task.Delay(20);
        Assert.True(p.ExitCode == 0, $"openssl {string.Join(' ', args)}: {p.Output}");
    }

    private static async Task WaitForOutputAsync(ChildProcess node, string text, int occurrences = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (CountOf(node.Output, text) < occurrences)
        {
            Assert.False(node.HasExited, $"edgelab-hub exited ({(node.HasExited ? node.ExitCode : 0)}): {node.Output}");
            Assert.True(DateTime.UtcNow < deadline, $"no '{text}' in: {node.Output}");
            await Task.Delay(50);
        }
    }

    private static int CountOf(string haystack, string needle)
    {
        var n = 0;
        for (var i = haystack.IndexOf(needle, StringComparison.Ordinal); i >= 0; i = haystack.IndexOf(needle, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}
