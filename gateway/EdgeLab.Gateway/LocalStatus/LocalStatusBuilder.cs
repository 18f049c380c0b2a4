using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Gateway.Outbox;

namespace EdgeLab.Gateway.LocalStatus;

/// <summary>Gathers <see cref="GatewayLocalStatus"/> from the runtime, the outbox and the uplink; cheap enough per request.</summary>
internal sealed class LocalStatusBuilder(GatewayRuntime runtime, OutboxStore outbox, Func<BoxStatus?>? box = null)
{
    /// <summary>Unsent messages older than this mean the outbox is not draining: someone should look at the network.</summary>
    public static readonly TimeSpan NotDrainingAfter = TimeSpan.FromMinutes(10);

    public GatewayLocalStatus Build()
    {
        var config = runtime.Config;
        var now = runtime.Time.GetUtcNow();
        var uplink = runtime.UplinkHealth.Snapshot();
        var instruments = runtime.Links().Select(link => Instrument(config, link)).ToList();
        var outboxStatus = new OutboxStatus { Depth = outbox.PendingRows, OldestUnsentAt = outbox.Reader.OldestPendingAt(), Full = outbox.IsFull };
        return new GatewayLocalStatus
        {
            GatewayId = config.GatewayId,
            At = now,
            Version = GatewayRuntime.Version,
            UptimeSeconds = Math.Round(runtime.Uptime.TotalSeconds, 1),
            TimeZone = config.TimeZone,
            Uplink = new UplinkStatus { Broker = $"{config.Mqtt.Host}:{config.Mqtt.Port}", Connected = uplink.Connected, Since = uplink.Since, LastHubAckAt = uplink.LastHubAckAt, CertificateNotAfter = runtime.CertificateNotAfter },
            Outbox = outboxStatus,
            Instruments = instruments,
            Box = box?.Invoke(),
            Health = Assess(now, instruments, outboxStatus, uplink),
        };
    }

    /// <summary>
    /// Critical: the store refuses the analyzers (full, or failed to write since the last message it kept).
    /// Attention: an enabled instrument is down, or the outbox has not drained (or the broker been reachable) for
    /// <see cref="NotDrainingAfter"/>. A TCP analyzer that is not connected right now (<c>waiting</c>) is idle, not a
    /// problem; so is a short uplink outage, which the outbox rides out (a rural lab's line drops often).
    /// </summary>
    public static Health Assess(DateTimeOffset now, IReadOnlyList<InstrumentStatus> instruments, OutboxStatus outbox, UplinkSnapshot uplink)
    {
        var storeRefusing = outbox.Full || instruments.Any(i => i.LastProblem is { Kind: ProblemKind.StoreFailed } p && (i.LastMessageAt is not { } m || m < p.At));
        if (storeRefusing) return Health.Critical;
        if (instruments.Any(i => i.Link == "down")) return Health.Attention;
        if (outbox.OldestUnsentAt is { } oldest && now - oldest > NotDrainingAfter) return Health.Attention;
        if (!uplink.Connected && now - uplink.Since > NotDrainingAfter) return Health.Attention;
        return Health.Ok;
    }

    private InstrumentStatus Instrument(GatewayConfig config, Contract.InstrumentLinkState link)
    {
        var activity = runtime.Activity.Get(link.InstrumentId);
        var (transport, where) = Where(config, link.InstrumentId);
        return new InstrumentStatus
        {
            Id = link.InstrumentId,
            Profile = link.Profile,
            Transport = transport,
            Where = where,
            Link = link.State,
            Since = link.Since,
            LastMessageAt = activity.LastMessageAt,
            LastMessageKind = activity.LastMessageKind,
            MessagesToday = activity.MessagesToday,
            LastProblem = activity.LastProblem,
        };
    }

    private static (string Transport, string Where) Where(GatewayConfig config, string id)
    {
        if (config.Instruments.FirstOrDefault(i => i.Id == id) is { } instrument)
        {
            var t = instrument.Transport;
            return (t.Type, t.Type switch
            {
                TransportConfig.Serial => t.Path ?? "",
                TransportConfig.TcpClient => $"{t.Host}:{t.Port}",
                _ => t.Host is null ? $"port {t.Port}" : $"{t.Host}:{t.Port}",
            });
        }
        return config.Scanners.FirstOrDefault(s => s.Id == id) is { } scanner ? ("scanner", scanner.Path) : ("", "");
    }
}
