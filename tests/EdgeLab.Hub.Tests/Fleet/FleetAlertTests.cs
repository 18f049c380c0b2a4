using System.Text.Json;
using Dapper;
using EdgeLab.Contract;
using EdgeLab.Hub.Fleet.Alerts;
using EdgeLab.Hub.Store.Fleet;
using EdgeLab.Hub.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Hub.Tests.Fleet;

/// <summary>
/// Fleet alerts (issue 12 §6) on both databases, with the hub's injected clock: each kind is raised only once its
/// threshold has passed, cleared when the condition ends, kept as history; a second node's evaluation raises nothing
/// twice; a gateway that is not enabled raises nothing. Statuses go through the real ingest writer, so the presence
/// changes the flapping and offline alerts read are the ones ingest records.
/// </summary>
public sealed class FleetAlertTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Each_kind_is_raised_after_its_threshold_and_cleared_when_the_condition_ends(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var t0 = hub.Time.GetUtcNow();
        foreach (var id in new[] { "gw-offline", "gw-outbox", "gw-instrument", "gw-cert", "gw-flap", "gw-pending" })
            await hub.Store.UpsertGatewayAsync(id, TestHub.Lab);
        await SqlAsync(hub, "UPDATE gateway SET state = 'pending' WHERE id = 'gw-pending'");
        await SqlAsync(hub, "UPDATE gateway SET cert_not_after = @at WHERE id = 'gw-cert'", new { at = (t0 + TimeSpan.FromDays(20)).ToUnixTimeMilliseconds() });

        await StatusAsync(hub, new() { GatewayId = "gw-offline", Online = true, At = t0 });
        await StatusAsync(hub, new() { GatewayId = "gw-offline", Online = false, At = t0.AddMinutes(1) });
        await StatusAsync(hub, new() { GatewayId = "gw-outbox", Online = true, At = t0.AddMinutes(1), OutboxDepth = 5, OldestUnsentAgeSeconds = 600 });
        await StatusAsync(hub, Instruments("gw-instrument", t0.AddMinutes(1), ("xn-550-1", "down", t0), ("bc-5380-1", "up", t0)));
        await StatusAsync(hub, new() { GatewayId = "gw-cert", Online = true, At = t0 });
        for (var i = 0; i < 8; i++) await StatusAsync(hub, new() { GatewayId = "gw-flap", Online = i % 2 == 1, At = t0.AddSeconds(10 * (i + 1)) });
        await StatusAsync(hub, new() { GatewayId = "gw-pending", Online = false, At = t0 });
        var monitor = Monitor(hub);

        // 5 min: only the flapping (4 offline changes within 30 min); the others are under their thresholds.
        hub.Time.SetUtcNow(t0.AddMinutes(5));
        var (raised, cleared) = await monitor.EvaluateAsync(CancellationToken.None);
        Assert.Equal([("gw-flap", FleetAlertKind.Flapping)], raised.Select(a => (a.GatewayId, a.Kind)));
        Assert.Empty(cleared);

        // 16 min: offline 15 min (≥ 10), oldest unsent 600 s + 15 min (≥ 15 min), analyzer down 16 min (≥ 15).
        hub.Time.SetUtcNow(t0.AddMinutes(16));
        (raised, cleared) = await monitor.EvaluateAsync(CancellationToken.None);
        Assert.Equal(
            new[] { ("gw-instrument", FleetAlertKind.InstrumentDown, "xn-550-1"), ("gw-offline", FleetAlertKind.Offline, ""), ("gw-outbox", FleetAlertKind.OutboxStale, "") },
            raised.Select(a => (a.GatewayId, a.Kind, a.Subject)).Order());
        Assert.Empty(cleared);
        // Evaluated again (the next sweep, or a second node): nothing new.
        Assert.Empty((await Monitor(hub).EvaluateAsync(CancellationToken.None)).Raised);

        // The conditions end: back online, outbox drained, analyzer up.
        await StatusAsync(hub, new() { GatewayId = "gw-offline", Online = true, At = t0.AddMinutes(16) });
        await StatusAsync(hub, new() { GatewayId = "gw-outbox", Online = true, At = t0.AddMinutes(16), OutboxDepth = 0 });
        await StatusAsync(hub, Instruments("gw-instrument", t0.AddMinutes(16), ("xn-550-1", "up", t0.AddMinutes(16)), ("bc-5380-1", "up", t0)));
        (raised, cleared) = await monitor.EvaluateAsync(CancellationToken.None);
        Assert.Empty(raised);
        Assert.Equal(new[] { FleetAlertKind.Offline, FleetAlertKind.OutboxStale, FleetAlertKind.InstrumentDown }.Order(), cleared.Select(a => a.Kind).Order());

        // 45 min: no offline change within the last 30 min → flapping clears.
        hub.Time.SetUtcNow(t0.AddMinutes(45));
        (raised, cleared) = await monitor.EvaluateAsync(CancellationToken.None);
        Assert.Empty(raised);
        Assert.Equal([("gw-flap", FleetAlertKind.Flapping)], cleared.Select(a => (a.GatewayId, a.Kind)));

        // 7 days on: 13 days left on the certificate (≤ 14) → raised; renewed → cleared.
        hub.Time.SetUtcNow(t0.AddDays(7));
        (raised, _) = await monitor.EvaluateAsync(CancellationToken.None);
        var cert = Assert.Single(raised);
        Assert.Equal(("gw-cert", FleetAlertKind.CertificateExpiring), (cert.GatewayId, cert.Kind));
        await SqlAsync(hub, "UPDATE gateway SET cert_not_after = @at WHERE id = 'gw-cert'", new { at = (t0 + TimeSpan.FromDays(400)).ToUnixTimeMilliseconds() });
        (_, cleared) = await monitor.EvaluateAsync(CancellationToken.None);
        Assert.Equal(cert.Id, Assert.Single(cleared).Id);

        // History is kept: every alert with its raise and clear times; the pending gateway never had one.
        var offline = Assert.Single(await new FleetAlertStore(hub.Database, hub.Time).ListAsync("gw-offline"));
        Assert.Equal(t0.AddMinutes(16), offline.RaisedAt);
        Assert.Equal(t0.AddMinutes(16), offline.ClearedAt);
        Assert.Empty(await new FleetAlertStore(hub.Database, hub.Time).ListAsync("gw-pending"));
        Assert.Empty(await new FleetAlertStore(hub.Database, hub.Time).ListAsync(null, openOnly: true));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_retained_status_delivered_again_records_no_second_presence_change(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var t0 = hub.Time.GetUtcNow();
        var offline = new StatusMessage { GatewayId = TestHub.Gateway, Online = false, At = t0 };
        await StatusAsync(hub, new() { GatewayId = TestHub.Gateway, Online = true, At = t0.AddMinutes(-1) });
        await StatusAsync(hub, offline);
        await StatusAsync(hub, offline); // the broker re-delivers retained messages on every subscribe
        await StatusAsync(hub, offline with { At = t0.AddMinutes(-5) }); // an older one arriving late changes nothing
        var changes = await new FleetConsoleStore(hub.Database).OfflineChangesSinceAsync(t0.AddHours(-1));
        Assert.Equal(1, changes[TestHub.Gateway]);
        var timeline = await new FleetConsoleStore(hub.Database).TimelineAsync(TestHub.Gateway);
        Assert.Equal([TimelineKind.Offline, TimelineKind.Online], timeline.Where(e => e.Kind is TimelineKind.Online or TimelineKind.Offline).Select(e => e.Kind));
    }

    internal static FleetAlertMonitor Monitor(TestHub hub, IEnumerable<IAlertChannel>? channels = null, FleetAlertOptions? options = null) =>
        new(new FleetConsoleStore(hub.Database), new FleetAlertStore(hub.Database, hub.Time), channels ?? [], options ?? new FleetAlertOptions(), hub.Time,
            NullLogger<FleetAlertMonitor>.Instance);

    internal static StatusMessage Instruments(string gateway, DateTimeOffset at, params (string Id, string State, DateTimeOffset Since)[] instruments) => new()
    {
        GatewayId = gateway,
        Online = true,
        At = at,
        Version = "1.4.0",
        OutboxDepth = 0,
        Instruments = instruments.Select(i => new InstrumentLinkState { InstrumentId = i.Id, Profile = "sysmex-xn", State = i.State, Since = i.Since }).ToList(),
    };

    /// <summary>A retained status as the broker delivers it, through the real ingest writer.</summary>
    internal static Task StatusAsync(TestHub hub, StatusMessage status) =>
        hub.Writer.WriteAsync([Messages.Raw("status", JsonSerializer.SerializeToUtf8Bytes(status, WireJson.Default.StatusMessage), null, status.GatewayId)]);

    internal static async Task SqlAsync(TestHub hub, string sql, object? args = null)
    {
        await using var c = await hub.Database.OpenAsync();
        await c.ExecuteAsync(sql, args);
    }
}
