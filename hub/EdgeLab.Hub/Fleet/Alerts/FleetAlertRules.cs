using System.Globalization;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store.Fleet;

namespace EdgeLab.Hub.Fleet.Alerts;

/// <summary>
/// Which alerts should be open for one gateway now (issue 12 §6) — pure: the gateway as the console sees it, how many
/// times it went offline within the flapping window, the clock and the thresholds. Only an enabled gateway is watched:
/// a pending, disabled or revoked one is not expected to be up, and its open alerts clear.
/// </summary>
internal static class FleetAlertRules
{
    public static IReadOnlyList<AlertCondition> Evaluate(FleetGateway g, int offlineChangesInWindow, DateTimeOffset now, FleetAlertOptions o)
    {
        var found = new List<AlertCondition>();
        if (g.State != GatewayState.Enabled) return found;
        var status = g.Status;
        if (g.Online == false && (g.PresenceSince ?? g.LastStatusAt) is { } offlineSince && now - offlineSince >= o.Offline)
            found.Add(new(FleetAlertKind.Offline, "", "offline since " + Stamp(offlineSince)));
        if (g.Online == true && status is not null)
        {
            // The status says how old the oldest unsent result was when it was sent; it has aged since.
            var elapsed = now > status.At ? now - status.At : TimeSpan.Zero;
            if (status.OutboxDepth is > 0 && status.OldestUnsentAgeSeconds is { } age && TimeSpan.FromSeconds(age) + elapsed >= o.OutboxStale)
                found.Add(new(FleetAlertKind.OutboxStale, "", string.Create(CultureInfo.InvariantCulture,
                    $"{status.OutboxDepth} unsent, oldest {(int)(TimeSpan.FromSeconds(age) + elapsed).TotalMinutes} min")));
            foreach (var instrument in status.Instruments)
            {
                if (instrument.State != "down") continue;
                var since = instrument.Since ?? status.At;
                if (now - since >= o.InstrumentDown)
                    found.Add(new(FleetAlertKind.InstrumentDown, instrument.InstrumentId, $"{instrument.InstrumentId} ({instrument.Profile}) down since {Stamp(since)}"));
            }
        }
        if (g.CertNotAfter is { } notAfter && notAfter - now <= o.CertificateExpiring)
            found.Add(new(FleetAlertKind.CertificateExpiring, "", (notAfter <= now ? "expired " : "expires ") + Stamp(notAfter)));
        if (offlineChangesInWindow >= o.FlappingChanges)
            found.Add(new(FleetAlertKind.Flapping, "", string.Create(CultureInfo.InvariantCulture,
                $"{offlineChangesInWindow} times offline within {(int)o.FlappingWindow.TotalMinutes} min")));
        return found;
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
