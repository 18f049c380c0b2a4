using System.Collections.Concurrent;
using System.Reflection;
using EdgeLab.Contract;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.LocalStatus;

namespace EdgeLab.Gateway.Hosting;

/// <summary>
/// What the status reports and the management commands read: the configuration in force, when the gateway started,
/// and each instrument's and scanner's link state. Written by the pipelines and the config applier, read from any thread.
/// </summary>
/// <remarks>
/// Scanners appear in the status's instrument list beside the analyzers (profile <c>scanner:serial</c> or
/// <c>scanner:evdev</c>), so a lab technician and regional IT see an unplugged scanner the same way as an unplugged
/// analyzer, without a change to the wire contract.
/// </remarks>
internal sealed class GatewayRuntime
{
    private readonly ConcurrentDictionary<string, InstrumentLinkState> _links = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InstrumentDetectionStatus> _detections = new(StringComparer.Ordinal);
    private readonly long _startedAt;
    private GatewayConfig _config;

    public GatewayRuntime(GatewayConfig config, string? configPath, TimeProvider time)
    {
        _config = config;
        ConfigPath = configPath;
        Time = time;
        _startedAt = time.GetTimestamp();
        SiteZone = TimeZoneInfo.FindSystemTimeZoneById(config.TimeZone);
        Activity = new InstrumentActivity(time, () => SiteZone);
        UplinkHealth = new UplinkHealth(time);
        ResetLinks(config);
    }

    /// <summary>Last message, today's count and last problem per instrument (the technician's view, the box's LED).</summary>
    public InstrumentActivity Activity { get; }

    /// <summary>Broker connection and the hub's last end-to-end ack (the technician's view).</summary>
    public UplinkHealth UplinkHealth { get; }

    public static string Version { get; } =
        typeof(GatewayRuntime).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";

    public GatewayConfig Config => Volatile.Read(ref _config);

    /// <summary>The file the configuration came from; a configuration from the hub is written back to it.</summary>
    public string? ConfigPath { get; }

    public TimeProvider Time { get; }

    /// <summary>notAfter of the client certificate in force; null without one (set by <c>Uplink/Renewal</c>).</summary>
    public DateTimeOffset? CertificateNotAfter { get; set; }

    public TimeZoneInfo SiteZone { get; private set; }

    public TimeSpan Uptime => Time.GetElapsedTime(_startedAt);

    /// <summary>Raised when any instrument's link state changes (the status is republished).</summary>
    public event Action? LinksChanged;

    public void ReplaceConfig(GatewayConfig config)
    {
        Volatile.Write(ref _config, config);
        SiteZone = TimeZoneInfo.FindSystemTimeZoneById(config.TimeZone);
        ResetLinks(config);
    }

    public IReadOnlyList<InstrumentLinkState> Links()
    {
        var config = Config;
        return config.Instruments.Select(i => _links.TryGetValue(i.Id, out var s) ? s : Initial(i))
            .Select(s => _detections.TryGetValue(s.InstrumentId, out var d) ? s with { Detection = d } : s)
            .Concat(config.Scanners.Select(sc => _links.TryGetValue(sc.Id, out var s) ? s : Initial(sc)))
            .ToList();
    }

    /// <summary>The status's profile name for a scanner, e.g. <c>scanner:evdev</c>.</summary>
    public static string ScannerProfile(ScannerConfig scanner) => $"scanner:{scanner.Type}";

    public bool IsUp(string instrumentId) => _links.TryGetValue(instrumentId, out var s) && s.State == "up";

    /// <summary>Sets an instrument's link state: <c>up</c>, <c>down</c>, or <c>waiting</c> (listening, no connection).</summary>
    public void SetLink(string instrumentId, string state)
    {
        var now = Time.GetUtcNow();
        _links.AddOrUpdate(instrumentId,
            id => new InstrumentLinkState { InstrumentId = id, Profile = ProfileOf(id), State = state, Since = now },
            (_, old) => old.State == state ? old : old with { State = state, Since = now });
        LinksChanged?.Invoke();
    }

    /// <summary>An auto-detecting instrument's detection result, shown in its status (Detection/InstrumentDetections).</summary>
    public void SetDetection(string instrumentId, InstrumentDetectionStatus detection)
    {
        _detections[instrumentId] = detection;
        LinksChanged?.Invoke();
    }

    public InstrumentDetectionStatus? Detection(string instrumentId) => _detections.GetValueOrDefault(instrumentId);

    public void MessageReceived(string instrumentId, DateTimeOffset at)
    {
        if (_links.TryGetValue(instrumentId, out var old)) _links[instrumentId] = old with { LastMessageAt = at };
    }

    private void ResetLinks(GatewayConfig config)
    {
        _links.Clear();
        _detections.Clear();
        foreach (var i in config.Instruments) _links[i.Id] = Initial(i);
        foreach (var s in config.Scanners) _links[s.Id] = Initial(s);
    }

    private InstrumentLinkState Initial(ScannerConfig s) => new()
    {
        InstrumentId = s.Id,
        Profile = ScannerProfile(s),
        State = "down",
        Since = Time.GetUtcNow(),
    };

    private InstrumentLinkState Initial(InstrumentConfig i) => new()
    {
        InstrumentId = i.Id,
        Profile = i.Profile,
        State = i.Enabled ? "down" : "disabled",
        Since = Time.GetUtcNow(),
    };

    private string ProfileOf(string id)
    {
        var config = Config;
        if (config.Instruments.FirstOrDefault(i => i.Id == id) is { } instrument) return instrument.Profile;
        return config.Scanners.FirstOrDefault(s => s.Id == id) is { } scanner ? ScannerProfile(scanner) : "";
    }
}
