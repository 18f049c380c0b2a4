using System.Globalization;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store.Fleet;
using static EdgeLab.Hub.Web.Text.UiText;

namespace EdgeLab.Hub.Web.Fleet;

/// <summary>
/// How the fleet pages write states in words (with a symbol, never colour alone — WCAG 2.1 SC 1.4.1): presence,
/// enrolment, link states, ages and alert kinds. One place, so the list, the detail and the alerts page agree.
/// </summary>
internal static class FleetWords
{
    public static string Presence(FleetGateway g) => g.State switch
    {
        GatewayState.Pending => "⧗ " + T("fleet.presence.pending"),
        _ when g.Online == true => "● " + T("fleet.presence.online"),
        _ when g.Online == false => "○ " + T("fleet.presence.offline"),
        _ => "– " + T("fleet.presence.never"),
    };

    public static string PresenceClass(FleetGateway g) => g.State == GatewayState.Enabled && g.Online == false ? "flag abnormal" : "";

    public static string Enrolment(GatewayState state) => T("fleet.state." + state.ToString().ToLowerInvariant());

    public static string Link(string state) => state switch
    {
        "up" => "▲ " + T("fleet.link.up"),
        "down" => "▼ " + T("fleet.link.down"),
        "waiting" => "◇ " + T("fleet.link.waiting"),
        "disabled" => "– " + T("fleet.link.disabled"),
        _ => state,
    };

    public static string AlertKind(FleetAlertKind kind) => T("fleet.alert." + kind.Text());

    /// <summary>A duration to the minute as people read it: "3 ч 05 мин", "12 мин", "40 с".</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        if (age.TotalMinutes < 1) return F("fleet.age.seconds", (int)age.TotalSeconds);
        if (age.TotalHours < 1) return F("fleet.age.minutes", (int)age.TotalMinutes);
        if (age.TotalDays < 2) return F("fleet.age.hours", (int)age.TotalHours, age.Minutes.ToString("00", CultureInfo.InvariantCulture));
        return F("fleet.age.days", (int)age.TotalDays);
    }

    public static string Since(DateTimeOffset? at, DateTimeOffset now) => at is { } a ? F("fleet.since", Time(a), Age(now - a)) : "—";

    public static string Bytes(long? bytes) => bytes switch
    {
        null => "—",
        >= 1L << 30 => (bytes.Value / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes.Value / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        _ => bytes.Value.ToString(CultureInfo.InvariantCulture) + " B",
    };

    public static string Number(long? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "—";

    /// <summary>The oldest unsent result's age now: what the status said plus the time since it was sent.</summary>
    public static TimeSpan? OldestUnsent(StatusMessage? status, DateTimeOffset now) =>
        status is { OutboxDepth: > 0, OldestUnsentAgeSeconds: { } s } ? TimeSpan.FromSeconds(s) + (now > status.At ? now - status.At : TimeSpan.Zero) : null;

    public static string Timeline(TimelineEntry e) => T("fleet.timeline." + e.Kind.ToString().ToLowerInvariant());
}
