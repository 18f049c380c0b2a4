using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Gateway.Tests.Support;
using EdgeLab.Gateway.Uplink.Renewal;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt;
using EdgeLab.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Gateway.Tests.Uplink;

/// <summary>
/// Issue 12 §1: the renewal window is checked on the runtime clock (hourly), not a sleep loop. With an injected clock, a
/// certificate 40 days from its notAfter asks for nothing; 11 days later (inside the default 30-day window) the next
/// hourly check asks. Here the uplink is down, so the attempt ends as a <c>certificate-renewal-failed</c> event that
/// says so, kept in the outbox for the hub — never a crash. (The answer's path is covered end to end:
/// EndToEnd GatewayCertificateRenewalTests.)
/// </summary>
public sealed class CertificateRenewalWindowTests : IDisposable
{
    private readonly ScratchDirectory _dir = new("gw-renewal");

    [Fact]
    public async Task The_window_is_checked_on_the_injected_clock_and_an_attempt_without_uplink_is_an_event_with_the_cause()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=renewal-test-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(time.GetUtcNow().AddDays(-1), time.GetUtcNow().AddYears(5));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issued = new CertificateRequest("CN=rn-gw01", key, HashAlgorithmName.SHA256)
            .Create(ca, time.GetUtcNow().AddDays(-1), time.GetUtcNow().AddDays(40), [1, 2, 3, 4]);
        var certPath = _dir.File("gateway.crt");
        var keyPath = _dir.File("gateway.key");
        await File.WriteAllTextAsync(certPath, issued.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        var config = new GatewayConfig
        {
            GatewayId = "rn-gw01",
            DataDirectory = _dir.Path,
            Mqtt = new MqttConfig { Host = "127.0.0.1", Tls = new MqttTlsConfig { Ca = _dir.File("ca.crt"), Cert = certPath, Key = keyPath } },
        };
        var runtime = new GatewayRuntime(config, null, time);
        await using var outbox = OutboxStore.Open(new OutboxOptions { DatabasePath = _dir.File("gateway.db"), GatewayId = "rn-gw01" }, time);
        var files = new ClientCertificateFiles(certPath, keyPath);
        using var renewal = new CertificateRenewal(runtime, files, X509CertificateLoader.LoadCertificate(ca.RawData), files.Load(), outbox, NullLogger.Instance);
        await using var client = new MqttClient(new MqttClientOptions { Host = "127.0.0.1", Port = 1, ClientId = "rn-gw01" });
        renewal.Start(client);
        Assert.Equal(issued.NotAfter.ToUniversalTime(), runtime.CertificateNotAfter!.Value.UtcDateTime);

        time.Advance(CertificateRenewal.CheckEvery);
        await Task.Delay(50);
        Assert.Equal(0, outbox.PendingRows);

        time.Advance(TimeSpan.FromDays(11));
        time.Advance(CertificateRenewal.CheckEvery);
        await Eventually.TrueAsync(() => outbox.PendingRows > 0, "the renewal attempt's event");
        // The clock passed a day of hourly checks inside the window: each one tried (and said why it could not); the
        // fake clock fires them as fast as the callbacks run, so how many have run by now is not fixed.
        var rows = outbox.Reader.ReadPending(1, 100);
        Assert.NotEmpty(rows);
        Assert.All(rows, row =>
        {
            var text = Encoding.UTF8.GetString(row.Payload.Span);
            Assert.Contains("certificate-renewal-failed", text, StringComparison.Ordinal);
            Assert.Contains("the uplink is not connected", text, StringComparison.Ordinal);
        });
        // Nothing staged, the pair in force untouched.
        Assert.False(File.Exists(files.StagedCertificatePath));
        Assert.Equal(issued.SerialNumber, renewal.Current.SerialNumber);
    }

    public void Dispose() => _dir.Dispose();
}
