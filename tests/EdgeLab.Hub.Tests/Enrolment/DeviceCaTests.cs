using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeLab.Hub.Enrolment;
using EdgeLab.LocalServices;
using EdgeLab.Testing;

namespace EdgeLab.Hub.Tests.Enrolment;

/// <summary>Issue 12 §1: the device CA in System.Security.Cryptography — files, issuing, signing a gateway's own request only, offline key, CRL.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DeviceCaTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Init_writes_the_key_0600_and_refuses_to_overwrite_a_ca()
    {
        using var dir = new ScratchDirectory("ca");
        var ca = DeviceCa.Init(dir.Path, "test-ca", TimeSpan.FromDays(3650), _time);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir.Path, DeviceCa.KeyFile)));
        Assert.True(File.Exists(ca.CrlPath));
        Assert.Contains(ca.Certificate.Extensions.OfType<X509BasicConstraintsExtension>(), b => b.CertificateAuthority);
        var again = Assert.Throws<DeviceCaException>(() => DeviceCa.Init(dir.Path, "test-ca", TimeSpan.FromDays(1), _time));
        Assert.Contains("already holds a CA", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_issued_certificate_chains_to_the_ca_names_the_gateway_and_is_for_client_auth_only()
    {
        using var dir = new ScratchDirectory("ca");
        var ca = DeviceCa.Init(dir.Path, "test-ca", TimeSpan.FromDays(3650), _time);
        var (cert, keyPem) = ca.IssueWithNewKey("tomsk-okb-gw01", TimeSpan.FromDays(397));
        using var withKey = X509Certificate2.CreateFromPem(cert.ExportCertificatePem(), keyPem);
        Assert.True(withKey.HasPrivateKey);
        Assert.Equal("CN=tomsk-okb-gw01", cert.Subject);
        Assert.Equal(_time.GetUtcNow().AddDays(397), new DateTimeOffset(cert.NotAfter.ToUniversalTime()));
        var eku = Assert.Single(cert.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], eku.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().AddDays(1).UtcDateTime;
        Assert.True(chain.Build(cert), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    [Fact]
    public void A_request_is_signed_only_for_the_gateway_it_came_from_and_only_with_a_valid_signature()
    {
        using var dir = new ScratchDirectory("ca");
        var ca = DeviceCa.Init(dir.Path, "test-ca", TimeSpan.FromDays(3650), _time);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var own = new CertificateRequest("CN=lab-1-gw01", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var renewed = ca.SignRequest("lab-1-gw01", own, TimeSpan.FromDays(397));
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), renewed.PublicKey.ExportSubjectPublicKeyInfo());

        var other = new CertificateRequest("CN=lab-2-gw01", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        Assert.Contains("may only renew CN=lab-1-gw01", Assert.Throws<DeviceCaException>(() => ca.SignRequest("lab-1-gw01", other, TimeSpan.FromDays(1))).Message, StringComparison.Ordinal);
        var extra = new CertificateRequest("CN=lab-1-gw01, O=elsewhere", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        Assert.Throws<DeviceCaException>(() => ca.SignRequest("lab-1-gw01", extra, TimeSpan.FromDays(1)));

        // Flip one byte of the signature (the last bytes of the DER): no proof of possession, refused.
        var der = new CertificateRequest("CN=lab-1-gw01", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        der[^3] ^= 0x01;
        var tampered = PemEncoding.WriteString("CERTIFICATE REQUEST", der);
        Assert.Contains("not a valid PKCS#10", Assert.Throws<DeviceCaException>(() => ca.SignRequest("lab-1-gw01", tampered, TimeSpan.FromDays(1))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_key_moved_offline_signing_says_so_and_works_with_its_new_path()
    {
        using var dir = new ScratchDirectory("ca");
        using var stick = new ScratchDirectory("usb");
        DeviceCa.Init(dir.Path, "test-ca", TimeSpan.FromDays(3650), _time);
        var offline = Path.Combine(stick.Path, "ca.key");
        File.Move(Path.Combine(dir.Path, DeviceCa.KeyFile), offline);

        var ca = DeviceCa.Open(dir.Path, null, _time);
        Assert.False(ca.CanSign);
        Assert.Contains("--ca-key", Assert.Throws<DeviceCaException>(() => ca.IssueWithNewKey("lab-1-gw01", TimeSpan.FromDays(1))).Message, StringComparison.Ordinal);
        var (cert, _) = DeviceCa.Open(dir.Path, offline, _time).IssueWithNewKey("lab-1-gw01", TimeSpan.FromDays(1));
        Assert.Equal("CN=lab-1-gw01", cert.Subject);
    }

    [Fact]
    public async Task Revoke_puts_the_serial_on_a_crl_openssl_reads_and_keeps_earlier_entries()
    {
        using var dir = new ScratchDirectory("ca");
        var ca = DeviceCa.Init(dir.Path, "test-ca", TimeSpan.FromDays(3650), _time);
        var (first, _) = ca.IssueWithNewKey("lab-1-gw01", TimeSpan.FromDays(30));
        var (second, _) = ca.IssueWithNewKey("lab-1-gw02", TimeSpan.FromDays(30));
        var (kept, _) = ca.IssueWithNewKey("lab-1-gw03", TimeSpan.FromDays(30));
        ca.Revoke(DeviceCa.SerialHex(first));
        ca.Revoke(DeviceCa.SerialHex(second));
        ca.Revoke(DeviceCa.SerialHex(second)); // twice: still one entry

        await using var openssl = ChildProcess.Start("openssl", ["crl", "-in", ca.CrlPath, "-noout", "-text", "-CAfile", ca.CertificatePath], name: "openssl");
        Assert.True(await openssl.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await Task.Delay(50);
        Assert.Equal(0, openssl.ExitCode);
        Assert.Contains("verify OK", openssl.Output, StringComparison.Ordinal);
        var text = openssl.Output.Replace(":", "", StringComparison.Ordinal).ToUpperInvariant();
        Assert.Contains("SERIAL NUMBER " + DeviceCa.SerialHex(first), text, StringComparison.Ordinal);
        Assert.Contains("SERIAL NUMBER " + DeviceCa.SerialHex(second), text, StringComparison.Ordinal);
        Assert.DoesNotContain(DeviceCa.SerialHex(kept), text, StringComparison.Ordinal);
        Assert.Equal(2, text.Split("SERIAL NUMBER").Length - 1);
    }
}
