using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeLab.Contract;

namespace EdgeLab.Hub.Enrolment;

/// <summary>Thrown when the device CA cannot do what was asked; the message says what and which file.</summary>
internal sealed class DeviceCaException(string message) : Exception(message);

/// <summary>
/// The region's device CA (issue 12 §1), System.Security.Cryptography only: ECDSA P-256 keys, X.509 v3 certificates
/// (RFC 5280) and a CRL Mosquitto reads with <c>crlfile</c>. Files in one folder: <c>ca.crt</c>, <c>ca.crl</c> and
/// <c>ca.key</c> (mode 0600). The key may be moved offline: every operation that signs takes its path
/// (<c>--ca-key</c>), and nothing else reads it.
/// </summary>
internal sealed class DeviceCa
{
    public const string CertificateFile = "ca.crt";
    public const string KeyFile = "ca.key";
    public const string CrlFile = "ca.crl";

    /// <summary>How long a CRL is valid: Mosquitto (OpenSSL) refuses every client once <c>nextUpdate</c> has passed, so the hub re-issues it on each change and <c>ca crl</c> refreshes it.</summary>
    public static readonly TimeSpan CrlValidity = TimeSpan.FromDays(30);

    private readonly string _directory;
    private readonly string _keyPath;
    private readonly TimeProvider _time;

    private DeviceCa(string directory, string? keyPath, X509Certificate2 certificate, TimeProvider time)
    {
        _directory = directory;
        _keyPath = keyPath ?? Path.Combine(directory, KeyFile);
        Certificate = certificate;
        _time = time;
    }

    /// <summary>The CA's certificate (public): what the broker and the gateways trust.</summary>
    public X509Certificate2 Certificate { get; }

    public string CertificatePath => Path.Combine(_directory, CertificateFile);

    public string CrlPath => Path.Combine(_directory, CrlFile);

    /// <summary>Creates the CA in an empty folder (an existing CA is never overwritten).</summary>
    public static DeviceCa Init(string directory, string name, TimeSpan validity, TimeProvider time)
    {
        if (File.Exists(Path.Combine(directory, CertificateFile)) || File.Exists(Path.Combine(directory, KeyFile)))
            throw new DeviceCaException($"{directory} already holds a CA ({CertificateFile}/{KeyFile}); a second 'ca init' would orphan every certificate it issued");
        Directory.CreateDirectory(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + name), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now + validity);
        WritePrivate(Path.Combine(directory, KeyFile), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(directory, CertificateFile), certificate.ExportCertificatePem() + "\n");
        var ca = new DeviceCa(directory, null, X509CertificateLoader.LoadCertificate(certificate.RawData), time);
        ca.WriteCrl([], BigInteger.One);
        return ca;
    }

    /// <summary>Opens the CA in <paramref name="directory"/>; <paramref name="keyPath"/> when the key is kept elsewhere (offline).</summary>
    public static DeviceCa Open(string directory, string? keyPath, TimeProvider time)
    {
        var path = Path.Combine(directory, CertificateFile);
        if (!File.Exists(path)) throw new DeviceCaException($"no device CA in {directory} ({CertificateFile} missing); run 'edgelab-hub ca init --ca-dir {directory}'");
        return new DeviceCa(directory, keyPath, X509Certificate2.CreateFromPem(File.ReadAllText(path)), time);
    }

    /// <summary>True when the signing key is reachable (not moved offline).</summary>
    public bool CanSign => File.Exists(_keyPath);

    /// <summary>Issues a client certificate with a new key for <paramref name="gatewayId"/> (enrolment: the key goes into the bundle).</summary>
    public (X509Certificate2 Certificate, string KeyPem) IssueWithNewKey(string gatewayId, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(SubjectOf(gatewayId), key, HashAlgorithmName.SHA256);
        return (Sign(request, validity), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>
    /// Signs a gateway's PKCS#10 request (renewal over MQTT). The request's signature must verify (proof that the
    /// gateway holds the key) and its subject must be exactly <c>CN=gatewayId</c> of the topic it came on: a gateway can
    /// only renew its own identity. Extensions the request asks for are ignored; the CA sets its own.
    /// </summary>
    public X509Certificate2 SignRequest(string gatewayId, string csrPem, TimeSpan validity)
    {
        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        }
        catch (CryptographicException e)
        {
            throw new DeviceCaException($"certificate request from '{gatewayId}' is not a valid PKCS#10 request with a good signature: {e.Message}");
        }
        // Exactly one RDN, CN=<id>: anything more (O=, a second CN) is refused rather than interpreted.
        if (request.SubjectName.Name != "CN=" + gatewayId)
            throw new DeviceCaException($"certificate request from '{gatewayId}' names '{request.SubjectName.Name}'; a gateway may only renew CN={gatewayId}");
        var renewed = new CertificateRequest(SubjectOf(gatewayId), request.PublicKey, HashAlgorithmName.SHA256);
        return Sign(renewed, validity);
    }

    /// <summary>Adds <paramref name="serialHex"/> to the CRL and re-issues it (the broker refuses the handshake after SIGHUP).</summary>
    public void Revoke(string serialHex)
    {
        var (serials, number) = ReadCrl();
        if (!serials.Contains(serialHex, StringComparer.OrdinalIgnoreCase)) serials.Add(serialHex);
        WriteCrl(serials, number + 1);
    }

    /// <summary>Re-issues the CRL with the same entries and a fresh <c>nextUpdate</c> (run it before <see cref="CrlValidity"/> runs out).</summary>
    public void RefreshCrl()
    {
        var (serials, number) = ReadCrl();
        WriteCrl(serials, number + 1);
    }

    public static string SerialHex(X509Certificate2 certificate) => certificate.SerialNumber;

    private X509Certificate2 Sign(CertificateRequest request, TimeSpan validity)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        // clientAuth only (RFC 5280 §4.2.1.12): a gateway certificate cannot serve as a broker's.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var now = _time.GetUtcNow();
        var notAfter = now + validity;
        if (notAfter > Certificate.NotAfter) notAfter = Certificate.NotAfter;
        using var caKey = LoadKey();
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x3F) | 0x40); // positive and 16 bytes in DER, so the CRL's serial reads back the same (RFC 5280 §4.1.2.2)
        using var issued = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now.AddMinutes(-5), notAfter, serial);
        return X509CertificateLoader.LoadCertificate(issued.RawData);
    }

    private ECDsa LoadKey()
    {
        if (!File.Exists(_keyPath))
            throw new DeviceCaException($"the CA key {_keyPath} is not here (kept offline?); give its path with --ca-key");
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(_keyPath));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new DeviceCaException($"{_keyPath} is not an ECDSA private key in PEM: {e.Message}");
        }
        if (!key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(Certificate.PublicKey.ExportSubjectPublicKeyInfo()))
        {
            key.Dispose();
            throw new DeviceCaException($"{_keyPath} is not the key of {CertificatePath}");
        }
        return key;
    }

    private (List<string> Serials, BigInteger Number) ReadCrl()
    {
        if (!File.Exists(CrlPath)) return ([], BigInteger.Zero);
        var pem = PemEncoding.Find(File.ReadAllText(CrlPath));
        var der = Convert.FromBase64String(File.ReadAllText(CrlPath)[pem.Base64Data]);
        _ = CertificateRevocationListBuilder.Load(der, out var number);
        // The builder does not list its entries; read them from the DER (RFC 5280 §5.1: revokedCertificates).
        return (RevokedSerials(der), number);
    }

    private void WriteCrl(IReadOnlyList<string> serials, BigInteger number)
    {
        var builder = new CertificateRevocationListBuilder();
        var now = _time.GetUtcNow();
        foreach (var s in serials) builder.AddEntry(Convert.FromHexString(s), now);
        using var caKey = LoadKey();
        using var signer = Certificate.CopyWithPrivateKey(caKey);
        var der = builder.Build(signer, number, now + CrlValidity, HashAlgorithmName.SHA256);
        File.WriteAllText(CrlPath, PemEncoding.WriteString("X509 CRL", der) + "\n");
    }

    private static List<string> RevokedSerials(byte[] der)
    {
        var serials = new List<string>();
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var tbs = reader.ReadSequence().ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer)) tbs.ReadInteger(); // version
        tbs.ReadSequence(); // signature algorithm
        tbs.ReadSequence(); // issuer
        tbs.ReadEncodedValue(); // thisUpdate
        if (tbs.HasData && (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || tbs.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime)))
            tbs.ReadEncodedValue(); // nextUpdate
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var entries = tbs.ReadSequence();
            while (entries.HasData)
            {
                var entry = entries.ReadSequence();
                serials.Add(Convert.ToHexString(entry.ReadIntegerBytes().Span));
            }
        }
        return serials;
    }

    private static X500DistinguishedName SubjectOf(string gatewayId)
    {
        if (!Topics.IsValidGatewayId(gatewayId)) throw new DeviceCaException($"'{gatewayId}' is not a valid gateway id");
        return new X500DistinguishedName("CN=" + gatewayId);
    }

    /// <summary>Writes a secret readable by its owner only (0600), created with that mode so it is never briefly world-readable.</summary>
    public static void WritePrivate(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
