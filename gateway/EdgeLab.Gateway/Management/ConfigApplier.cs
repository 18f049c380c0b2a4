using System.Globalization;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Gateway.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Management;

/// <summary>
/// Applies the hub's desired configuration (<c>…/config</c>, retained): validate → swap the instrument pipelines →
/// wait until every instrument that was up is up again → keep it (write the file, <c>config-applied</c>) or roll back to
/// the previous configuration (<c>config-rejected</c>). Either way the outcome goes out as an event and in the status.
/// </summary>
/// <remarks>
/// The MQTT and data-directory settings take effect at the next restart (changing them live could cut the gateway off
/// from the hub that would have to repair it); instruments, profiles, time zone and limits apply at once.
/// </remarks>
internal sealed class ConfigApplier(GatewayRuntime runtime, InstrumentPipelines pipelines, OutboxStore outbox, Action statusChanged, ILogger log)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    // The version last refused (invalid or rolled back). The hub's document is retained, so it comes again on every
    // reconnect; trying a rolled-back one again would take working instruments down for the whole wait each time.
    // The hub sends a new version to try again.
    private long _refusedVersion;

    /// <summary>Outcome of the last attempt, for tests and logs.</summary>
    public string? LastOutcome { get; private set; }

    public async Task HandleAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ApplyLockedAsync(payload, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ApplyLockedAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ConfigMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(payload.Span, WireJson.Default.ConfigMessage);
        }
        catch (JsonException ex)
        {
            await RejectAsync(0, [$"not a config document: {ex.Message}"]).ConfigureAwait(false);
            return;
        }
        if (message is null || message.Schema != Schemas.Config)
        {
            await RejectAsync(message?.Version ?? 0, [$"schema: \"{message?.Schema}\" is not {Schemas.Config}"]).ConfigureAwait(false);
            return;
        }
        var current = runtime.Config;
        // The retained document comes again on every subscribe: the same version is already in force.
        if (message.Version <= current.ConfigVersion || message.Version == _refusedVersion) return;

        GatewayConfig desired;
        try
        {
            desired = GatewayConfigLoader.Bind(message.Document, "config") with { ConfigVersion = message.Version };
        }
        catch (GatewayConfigException ex)
        {
            await RejectAsync(message.Version, ex.Errors).ConfigureAwait(false);
            return;
        }
        var errors = new List<string>(pipelines.Factory.Check(desired));
        if (desired.GatewayId != current.GatewayId)
            errors.Add($"gatewayId: \"{desired.GatewayId}\" is not this gateway (\"{current.GatewayId}\"); a device's id changes only by re-provisioning");
        if (errors.Count > 0)
        {
            await RejectAsync(message.Version, errors).ConfigureAwait(false);
            return;
        }

        var wereUp = current.Instruments.Where(i => runtime.IsUp(i.Id)).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var mustComeUp = desired.Instruments.Where(i => i.Enabled && wereUp.Contains(i.Id)).Select(i => i.Id).ToList();
        runtime.ReplaceConfig(desired);
        await pipelines.ReplaceAsync(desired).ConfigureAwait(false);
        statusChanged();
        var timeout = TimeSpan.FromSeconds(desired.Management.ConfigApplyTimeoutSeconds);
        var missing = await WaitUpAsync(mustComeUp, timeout, cancellationToken).ConfigureAwait(false);
        if (missing.Count > 0)
        {
            // The file on disk was never touched, so a power cut during the wait also comes back with the old configuration.
            runtime.ReplaceConfig(current);
            await pipelines.ReplaceAsync(current).ConfigureAwait(false);
            await RejectAsync(message.Version,
                [$"rolled back to version {current.ConfigVersion}: instrument(s) {string.Join(", ", missing)} did not come back up within {timeout.TotalSeconds:0} s"],
                rolledBackTo: current.ConfigVersion).ConfigureAwait(false);
            return;
        }
        if (runtime.ConfigPath is { } path) WriteAtomically(path, GatewayConfigLoader.Serialize(desired));
        LastOutcome = "applied";
        GatewayLog.ConfigApplied(log, message.Version);
        await outbox.AddEventAsync(new GatewayEvent(EventTypes.ConfigApplied, null, runtime.Time.GetUtcNow(), $"configuration version {message.Version} applied",
            new Dictionary<string, string> { ["version"] = message.Version.ToString(CultureInfo.InvariantCulture) }), cancellationToken).ConfigureAwait(false);
        statusChanged();
    }

    /// <summary>Waits until every instrument in <paramref name="ids"/> reports link up; returns those that did not in time.</summary>
    private async Task<List<string>> WaitUpAsync(List<string> ids, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Not disposed: a link runner may still be inside OnChange when we unsubscribe, and Release on a disposed
        // semaphore would throw into it.
        var changed = new SemaphoreSlim(0);
        void OnChange() => changed.Release();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        runtime.LinksChanged += OnChange;
        try
        {
            var timer = Task.Delay(timeout, runtime.Time, deadline.Token);
            while (true)
            {
                var missing = ids.Where(id => !runtime.IsUp(id)).ToList();
                if (missing.Count == 0 || timer.IsCompleted) return missing;
                await Task.WhenAny(changed.WaitAsync(deadline.Token), timer).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            runtime.LinksChanged -= OnChange;
            // Disarms the timer and releases the waiter: neither may outlive the attempt.
            await deadline.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <param name="rolledBackTo">The version in force again after a rollback; null when the document was refused before anything changed.</param>
    private async Task RejectAsync(long version, IReadOnlyList<string> errors, long? rolledBackTo = null)
    {
        var text = string.Join("; ", errors);
        if (version > 0) _refusedVersion = version;
        LastOutcome = (rolledBackTo is null ? "rejected: " : "rolled back: ") + text;
        GatewayLog.ConfigRejected(log, version, text);
        var data = new Dictionary<string, string>
        {
            ["version"] = version.ToString(CultureInfo.InvariantCulture),
            ["outcome"] = rolledBackTo is null ? "rejected" : "rolled-back",
            ["inForce"] = runtime.Config.ConfigVersion.ToString(CultureInfo.InvariantCulture),
        };
        await outbox.AddEventAsync(new GatewayEvent(EventTypes.ConfigRejected, null, runtime.Time.GetUtcNow(), text.Length > 2000 ? text[..2000] : text, data)).ConfigureAwait(false);
        statusChanged();
    }

    /// <summary>Write beside, fsync, rename: a power cut leaves the old file or the new one, never half of each.</summary>
    private static void WriteAtomically(string path, string text)
    {
        var temp = path + ".new";
        using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            f.Write(bytes);
            f.Flush(flushToDisk: true);
        }
        if (File.Exists(path)) File.Copy(path, path + ".previous", overwrite: true);
        File.Move(temp, path, overwrite: true);
    }
}
