using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using EdgeLab.Gateway.Fleet.Update;
using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.Fleet;

/// <summary>A release key, an install root and signed packages built from files in a scratch folder.</summary>
internal sealed class UpdatePackageFixture : IDisposable
{
    private readonly ScratchDirectory _scratch = new("update");

    public UpdatePackageFixture()
    {
        ReleaseKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Slots = new SlotDirectory(_scratch.File("root"));
        Directory.CreateDirectory(Slots.Root);
    }

    public ECDsa ReleaseKey { get; }

    public SlotDirectory Slots { get; }

    public string File(string name) => _scratch.File(name);

    public UpdatePackageVerifier Verifier() => UpdatePackageVerifier.FromPublicKeyPem(ReleaseKey.ExportSubjectPublicKeyInfoPem(), "release.pub");

    /// <summary>Writes <c>NAME.tar.gz</c> holding <paramref name="files"/> and, signed with <paramref name="signer"/> (the release key by default), <c>NAME.tar.gz.sig</c>.</summary>
    public (string Archive, string Signature) Package(string name, IReadOnlyDictionary<string, string> files, ECDsa? signer = null)
    {
        var source = _scratch.File(name + ".src");
        Directory.CreateDirectory(source);
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(source, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            System.IO.File.WriteAllText(full, text);
            if (text.StartsWith("#!", StringComparison.Ordinal) && !OperatingSystem.IsWindows())
            {
                System.IO.File.SetUnixFileMode(full, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        var archive = _scratch.File(name + ".tar.gz");
        using (var output = System.IO.File.Create(archive))
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            TarFile.CreateFromDirectory(source, gzip, includeBaseDirectory: false);
        }
        var signature = archive + ".sig";
        System.IO.File.WriteAllBytes(signature, (signer ?? ReleaseKey).SignData(System.IO.File.ReadAllBytes(archive), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        return (archive, signature);
    }

    /// <summary>A first install, as the SD card image has it: version 1 in slot A, current → a, nothing on trial.</summary>
    public void FactoryImage(string? launcher = null)
    {
        var a = Slots.Prepare(Slot.A);
        System.IO.File.WriteAllText(Path.Combine(a, "VERSION"), "1.0.0");
        if (launcher is not null && !OperatingSystem.IsWindows())
        {
            var path = Path.Combine(a, "edgelab-gateway");
            System.IO.File.WriteAllText(path, launcher);
            System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Slots.SwitchTo(Slot.A);
    }

    public string CurrentVersionFile() => System.IO.File.ReadAllText(Path.Combine(Slots.CurrentLink, "VERSION"));

    public void Dispose()
    {
        ReleaseKey.Dispose();
        _scratch.Dispose();
    }
}
