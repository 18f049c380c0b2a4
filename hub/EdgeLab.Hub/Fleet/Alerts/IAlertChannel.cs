using EdgeLab.Hub.Store.Fleet;

namespace EdgeLab.Hub.Fleet.Alerts;

/// <summary>A raise or a clear of one alert, as a channel sends it: ids, kind and the readable detail (no patient data).</summary>
internal sealed record AlertNotice(string Event, FleetAlert Alert)
{
    /// <summary>Stable across retries of this notice, different for every alert and event: the receiver dedupes on it.</summary>
    public string IdempotencyKey => $"fleet-alert-{Alert.Id}-{Event}";
}

/// <summary>
/// Where fleet alerts go (issue 12 §6: webhook and e-mail). Every registered channel gets every raise and clear, queued
/// durably in <c>fleet_alert_delivery</c> and retried with backoff until <see cref="SendAsync"/> answers null. E-mail
/// plugs in here: register one more <see cref="IAlertChannel"/> (hub/EdgeLab.Hub/Mail) and nothing else changes.
/// </summary>
internal interface IAlertChannel
{
    /// <summary>The name stored with each queued delivery (<c>webhook</c>, <c>email</c>…); keep it stable.</summary>
    string Name { get; }

    /// <summary>False when the channel has no destination configured (no webhook URL, no SMTP server): nothing is queued for it.</summary>
    bool Enabled { get; }

    /// <summary>One attempt. Null when the receiver accepted it; otherwise what went wrong (kept as last_error, no secrets).</summary>
    Task<string?> SendAsync(AlertNotice notice, CancellationToken cancellationToken);
}
