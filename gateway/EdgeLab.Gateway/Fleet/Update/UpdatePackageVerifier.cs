using System.Security.Cryptography;

namespace EdgeLab.Gateway.Fleet.Update;

/// <summary>Outcome of checking an update package's signature; <see cref="Error"/> says what is wrong and where.</summary>
internal readonly record struct PackageVerdict(bool Valid, string? Error)
{
    public static PackageVerdict Ok => new(true, null);

    public static PackageVerdict Refused(string error) => new(false, error);
}

/// <summary>
/// Checks an application update package (a tar.gz archive) against its detached signature before anything is installed
/// (issue 12 §4). The signature is ECDSA P-256 over SHA-256 of the archive's bytes, DER-encoded as in RFC 3279 §2.2.3 —
/// the form <c>openssl dgst -sha256 -sign release.key -out pkg.tar.gz.sig pkg.tar.gz</c> writes, so the release key
/// can sign on an offline machine with nothing but OpenSSL.
/// </summary>
/// <remarks>
/// The caller verifies and then extracts from the <em>same open stream</em>: checking a path and then opening it
/// again would let the file change in between (a time-of-check/time-of-use gap on an SD card anyone can reach).
/// </remarks>
internal sealed class UpdatePackageVerifier : IDisposable
{
    /// <summary>An ECDSA P-256 DER signature is at most 72 bytes; anything far larger is not a signature file.</summary>
    private const int MaxSignatureBytes = 256;

    private readonly ECDsa _releaseKey;

    private UpdatePackageVerifier(ECDsa releaseKey) => _releaseKey = releaseKey;

    /// <summary>Loads the release public key (PEM <c>PUBLIC KEY</c>, SubjectPublicKeyInfo); refuses any curve but P-256.</summary>
    public static UpdatePackageVerifier FromPublicKeyPem(string pem, string source)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (ArgumentException ex)
        {
            key.Dispose();
            throw new InvalidDataException($"{source}: not a PEM ECDSA public key ({ex.Message})", ex);
        }
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        if (curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            key.Dispose();
            throw new InvalidDataException($"{source}: the release key must be on curve P-256 (secp256r1), found {curve.Oid?.FriendlyName ?? curve.Oid?.Value ?? "an explicit curve"}");
        }
        return new UpdatePackageVerifier(key);
    }

    public static UpdatePackageVerifier FromPublicKeyFile(string path) => FromPublicKeyPem(File.ReadAllText(path), path);

    /// <summary>Verifies <paramref name="archive"/> from its current position to its end; leaves it at the end.</summary>
    public PackageVerdict Verify(Stream archive, ReadOnlySpan<byte> signature, string archiveName)
    {
        if (signature.Length == 0)
        {
            return PackageVerdict.Refused($"{archiveName}: the signature is empty");
        }
        if (signature.Length > MaxSignatureBytes)
        {
            return PackageVerdict.Refused($"{archiveName}: the signature is {signature.Length} bytes, not an ECDSA P-256 signature");
        }
        bool valid;
        try
        {
            valid = _releaseKey.VerifyData(archive, signature.ToArray(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException ex)
        {
            return PackageVerdict.Refused($"{archiveName}: the signature is malformed ({ex.Message})");
        }
        return valid
            ? PackageVerdict.Ok
            : PackageVerdict.Refused($"{archiveName}: the signature does not match the archive (tampered, truncated, signed by another key, or not a signature)");
    }

    public void Dispose() => _releaseKey.Dispose();
}
