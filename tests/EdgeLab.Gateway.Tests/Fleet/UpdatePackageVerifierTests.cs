using System.Diagnostics;
using System.Security.Cryptography;
using EdgeLab.Gateway.Fleet.Update;

namespace EdgeLab.Gateway.Tests.Fleet;

/// <summary>An update package is installed only if its ECDSA P-256 signature matches its bytes (issue 12 §4).</summary>
public sealed class UpdatePackageVerifierTests
{
    private static readonly Dictionary<string, string> Version2 = new() { ["VERSION"] = "2.0.0", ["edgelab-gateway"] = "#!/bin/sh\n" };

    [Fact]
    public void A_package_signed_with_the_release_key_verifies()
    {
        using var fixture = new UpdatePackageFixture();
        using var verifier = fixture.Verifier();
        var (archive, signature) = fixture.Package("v2", Version2);

        using var stream = File.OpenRead(archive);
        Assert.Equal(PackageVerdict.Ok, verifier.Verify(stream, File.ReadAllBytes(signature), archive));
    }

    [Fact]
    public void A_package_with_one_byte_changed_is_refused_naming_the_archive()
    {
        using var fixture = new UpdatePackageFixture();
        using var verifier = fixture.Verifier();
        var (archive, signature) = fixture.Package("v2", Version2);
        var bytes = File.ReadAllBytes(archive);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(archive, bytes);

        using var stream = File.OpenRead(archive);
        var verdict = verifier.Verify(stream, File.ReadAllBytes(signature), archive);
        Assert.False(verdict.Valid);
        Assert.Contains(archive, verdict.Error);
        Assert.Contains("does not match", verdict.Error);
    }

    [Fact]
    public void A_package_signed_by_another_key_is_refused()
    {
        using var fixture = new UpdatePackageFixture();
        using var verifier = fixture.Verifier();
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (archive, signature) = fixture.Package("v2", Version2, stranger);

        using var stream = File.OpenRead(archive);
        Assert.False(verifier.Verify(stream, File.ReadAllBytes(signature), archive).Valid);
    }

    [Theory]
    [InlineData(new byte[0], "empty")]
    [InlineData(new byte[] { 0x30, 0x02, 0x01 }, "not a signature")]
    public void A_signature_that_is_not_one_is_refused_with_the_reason(byte[] signature, string reason)
    {
        using var fixture = new UpdatePackageFixture();
        using var verifier = fixture.Verifier();
        var (archive, _) = fixture.Package("v2", Version2);

        using var stream = File.OpenRead(archive);
        var verdict = verifier.Verify(stream, signature, archive);
        Assert.False(verdict.Valid);
        Assert.Contains(reason, verdict.Error);
    }

    [Fact]
    public void A_release_key_on_another_curve_is_refused_when_loaded()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var ex = Assert.Throws<InvalidDataException>(() => UpdatePackageVerifier.FromPublicKeyPem(p384.ExportSubjectPublicKeyInfoPem(), "/etc/edgelab/release.pub"));
        Assert.Contains("/etc/edgelab/release.pub", ex.Message);
        Assert.Contains("P-256", ex.Message);
    }

    /// <summary>The release key may live on an offline machine with only OpenSSL: its signature format is the one checked.</summary>
    [Fact]
    public void A_signature_made_by_openssl_with_the_release_key_verifies()
    {
        using var fixture = new UpdatePackageFixture();
        using var verifier = fixture.Verifier();
        var (archive, _) = fixture.Package("v2", Version2);
        var keyFile = fixture.File("release.key");
        File.WriteAllText(keyFile, fixture.ReleaseKey.ExportPkcs8PrivateKeyPem());
        var signature = fixture.File("openssl.sig");

        using (var openssl = Process.Start(new ProcessStartInfo("openssl", ["dgst", "-sha256", "-sign", keyFile, "-out", signature, archive]) { RedirectStandardError = true })!)
        {
            var stderr = openssl.StandardError.ReadToEnd();
            openssl.WaitForExit();
            Assert.True(openssl.ExitCode == 0, stderr);
        }

        using var stream = File.OpenRead(archive);
        Assert.Equal(PackageVerdict.Ok, verifier.Verify(stream, File.ReadAllBytes(signature), archive));
    }
}
