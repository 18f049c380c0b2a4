using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Gateway.Outbox;

namespace EdgeLab.Gateway.Uplink;

/// <summary>
/// Builds the retained <c>…/status</c> document: version, config version, uptime, outbox depth and the age of the oldest
/// unsent message, free disk, and each instrument's link state. The Will carries the same document with Online=false.
/// </summary>
internal sealed class StatusReporter(GatewayRuntime runtime, OutboxStore outbox)
{
    public StatusMessage Build(bool online)
    {
        var now = runtime.Time.GetUtcNow();
        var oldest = outbox.Reader.OldestPendingAt();
        var config = runtime.Config;
        return new StatusMessage
        {
            GatewayId = config.GatewayId,
            Online = online,
            At = now,
            Version = GatewayRuntime.Version,
            ConfigVersion = config.ConfigVersion,
            UptimeSeconds = Math.Round(runtime.Uptime.TotalSeconds, 1),
            OutboxDepth = outbox.PendingRows,
            OldestUnsentAgeSeconds = oldest is { } o ? Math.Max(0, Math.Round((now - o).TotalSeconds, 1)) : 0,
            DiskFreeBytes = DiskFree(config.DataDirectory),
            CertificateNotAfter = runtime.CertificateNotAfter,
            Instruments = runtime.Links(),
        };
    }

    public byte[] Serialize(bool online) => JsonSerializer.SerializeToUtf8Bytes(Build(online), WireJson.Default.StatusMessage);

    /// <summary>The Will: only what is known without the database, since the broker sends it after we are gone.</summary>
    public static byte[] Offline(string gatewayId, long configVersion, DateTimeOffset at) =>
        JsonSerializer.SerializeToUtf8Bytes(new StatusMessage
        {
            GatewayId = gatewayId,
            Online = false,
            At = at,
            Version = GatewayRuntime.Version,
            ConfigVersion = configVersion,
        }, WireJson.Default.StatusMessage);

    private static long? DiskFree(string directory)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
