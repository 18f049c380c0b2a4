using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeLab.Gateway.Fleet.Update;

namespace EdgeLab.Gateway.Uplink.Renewal;

/// <summary>
/// The gateway's client certificate and key on the card (<c>mqtt.tls.cert</c>, <c>mqtt.tls.key</c>) and a renewed pair
/// staged beside them (<c>….new</c>) until a connection with it succeeded. Every write is temp file (0600), fsync,
/// rename(2), fsync of the folder: a power cut leaves the old or the new file, never half of one (issue 12 §1).
/// </summary>
internal sealed class ClientCertificateFiles(string certificatePath, string keyPath)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string CertificatePath { get; } = certificatePath;
    public string KeyPath { get; } = keyPath;
    public string StagedCertificatePath => CertificatePath + ".new";
    public string StagedKeyPath => KeyPath + ".new";

    /// <summary>The pair in force.</summary>
    public X509Certificate2 Load() => X509Certificate2.CreateFromPemFile(CertificatePath, KeyPath);

    /// <summary>Writes the renewed pair beside the one in force; the one in force is untouched.</summary>
    public void Stage(string certificatePem, string keyPem)
    {
        WriteDurably(StagedKeyPath, keyPem);
        WriteDurably(StagedCertificatePath, certificatePem);
    }

    /// <summary>
    /// The staged pair becomes the one in force: key first, then certificate. A power cut between the two renames
    /// leaves the new key beside the staged certificate, which <see cref="RecoverAtStart"/> finishes.
    /// </summary>
    public void Commit()
    {
        PosixRename.ReplaceDurably(StagedKeyPath, KeyPath, DirectoryOf(KeyPath));
        PosixRename.ReplaceDurably(StagedCertificatePath, CertificatePath, DirectoryOf(CertificatePath));
    }

    /// <summary>The staged pair was refused or not confirmed: the pair in force stays.</summary>
    public void DiscardStaged()
    {
        File.Delete(StagedKeyPath);
        File.Delete(StagedCertificatePath);
    }

    /// <summary>
    /// Before the first connection: a commit cut between its two renames (the key in force already the staged
    /// certificate's) is finished; anything else staged was never confirmed by a connection and is dropped.
    /// </summary>
    /// <returns>What was done, for the log; null when there was nothing staged.</returns>
    public string? RecoverAtStart()
    {
        if (!File.Exists(StagedCertificatePath) && !File.Exists(StagedKeyPath)) return null;
        if (!File.Exists(StagedKeyPath) && File.Exists(StagedCertificatePath) && KeyMatches(StagedCertificatePath, KeyPath))
        {
            PosixRename.ReplaceDurably(StagedCertificatePath, CertificatePath, DirectoryOf(CertificatePath));
            return "finished switching to the renewed certificate (the switch was cut between key and certificate)";
        }
        DiscardStaged();
        return "dropped a renewed certificate that was never confirmed by a connection; the previous one stays";
    }

    private static bool KeyMatches(string certificatePath, string keyPath)
    {
        try
        {
            using var pair = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            return pair.HasPrivateKey;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static string DirectoryOf(string path) => Path.GetDirectoryName(Path.GetFullPath(path))!;

    private static void WriteDurably(string path, string text)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        using (var file = new FileStream(temp, options))
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes(text));
            file.Flush(flushToDisk: true);
        }
        // An old temp file kept its mode: make sure the key is never readable by others.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, OwnerOnly);
        PosixRename.ReplaceDurably(temp, path, DirectoryOf(path));
    }
}
