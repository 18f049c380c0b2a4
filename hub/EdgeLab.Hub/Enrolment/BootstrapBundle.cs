using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace EdgeLab.Hub.Enrolment;

/// <summary>What a new gateway needs to reach the broker as itself, written once at enrolment.</summary>
internal sealed record BootstrapContents(
    string GatewayId, string LabId, string BrokerHost, int BrokerPort, string BrokerCaPem, string CertificatePem, string KeyPem, string DataDirectory);

/// <summary>
/// The bootstrap bundle (issue 12 §1): one <c>.tar.gz</c> for the SD card with <c>gateway.json</c> (the gateway's
/// configuration: its id, lab, broker address, TLS files named relative to the configuration's folder, no instruments
/// yet), <c>gateway.crt</c> + <c>gateway.key</c> (its identity; the key 0600) and <c>ca.crt</c> (the CA the broker's
/// certificate chains to). <c>edgelab-gateway run --config DIR/gateway.json --bundle FILE</c> unpacks it into DIR on
/// first start. The archive itself holds a private key: the file is written 0600.
/// </summary>
internal static class BootstrapBundle
{
    public const string ConfigEntry = "gateway.json";
    public const string CertificateEntry = "gateway.crt";
    public const string KeyEntry = "gateway.key";
    public const string CaEntry = "ca.crt";

    public static void Write(string path, BootstrapContents contents)
    {
        var config = new JsonObject
        {
            // 0: the hub's first desired configuration (version ≥ 1) replaces this one.
            ["configVersion"] = 0,
            ["gatewayId"] = contents.GatewayId,
            ["organizationId"] = contents.LabId,
            ["dataDirectory"] = contents.DataDirectory,
            ["mqtt"] = new JsonObject
            {
                ["host"] = contents.BrokerHost,
                ["port"] = contents.BrokerPort,
                ["tls"] = new JsonObject { ["ca"] = CaEntry, ["cert"] = CertificateEntry, ["key"] = KeyEntry },
            },
            ["instruments"] = new JsonArray(),
        };
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new FileStream(path, options);
        using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            const UnixFileMode Public = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            Add(tar, ConfigEntry, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n", Public);
            Add(tar, CaEntry, contents.BrokerCaPem, Public);
            Add(tar, CertificateEntry, contents.CertificatePem, Public);
            Add(tar, KeyEntry, contents.KeyPem, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static void Add(TarWriter tar, string name, string text, UnixFileMode mode)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = mode,
            ModificationTime = DateTimeOffset.UnixEpoch,
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)),
        };
        tar.WriteEntry(entry);
    }
}
