using System.Formats.Tar;
using System.IO.Compression;

namespace EdgeLab.Gateway.Configuration;

/// <summary>
/// The bootstrap bundle <c>edgelab-hub gateways enrol</c> writes (issue 12 §1): one <c>.tar.gz</c> with
/// <c>gateway.json</c>, <c>gateway.crt</c>, <c>gateway.key</c> and <c>ca.crt</c>. <c>run --bundle FILE --config
/// DIR/gateway.json</c> unpacks it into DIR on the first start only: once there, the files are the gateway's own
/// (a renewed certificate, the hub's configuration) and the bundle is never read again.
/// </summary>
internal static class BootstrapBundle
{
    private static readonly HashSet<string> Entries = ["gateway.json", "gateway.crt", "gateway.key", "ca.crt"];
    private const long MaxEntryBytes = 1024 * 1024;

    /// <returns>True when it unpacked; false when <paramref name="configPath"/> already exists.</returns>
    /// <exception cref="GatewayConfigException">The bundle cannot be read or holds something else; says what.</exception>
    public static bool UnpackIfFirstStart(string bundlePath, string configPath)
    {
        if (File.Exists(configPath)) return false;
        var directory = Path.GetDirectoryName(Path.GetFullPath(configPath))!;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using var file = File.OpenRead(bundlePath);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                // Only the four known regular files: no paths, links or devices (a crafted archive cannot write elsewhere).
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !Entries.Contains(entry.Name) || entry.Length > MaxEntryBytes)
                    throw new GatewayConfigException(bundlePath, [$"bundle entry '{entry.Name}' is not one of {string.Join(", ", Entries)}"]);
                using var data = new MemoryStream();
                entry.DataStream?.CopyTo(data);
                files[entry.Name] = data.ToArray();
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or FormatException)
        {
            throw new GatewayConfigException(bundlePath, [$"cannot read the bootstrap bundle: {e.Message}"]);
        }
        var missing = Entries.Where(n => !files.ContainsKey(n)).ToList();
        if (missing.Count > 0) throw new GatewayConfigException(bundlePath, [$"the bootstrap bundle lacks {string.Join(", ", missing)}"]);
        Directory.CreateDirectory(directory);
        // The key first and the configuration last: a start interrupted half-way unpacks again (no gateway.json yet).
        foreach (var name in new[] { "gateway.key", "gateway.crt", "ca.crt", "gateway.json" })
            WriteAtomic(Path.Combine(directory, name), files[name], secret: name == "gateway.key");
        return true;
    }

    /// <summary>Writes through a temp file and a rename, so a reader sees the old file or the new one, never half (a key 0600 from creation).</summary>
    public static void WriteAtomic(string path, byte[] bytes, bool secret)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        using (var stream = new FileStream(temp, options))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
