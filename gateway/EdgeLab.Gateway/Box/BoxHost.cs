using System.Device.Gpio;
using EdgeLab.Contract;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Gateway.LocalStatus;
using EdgeLab.Gateway.Outbox;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Box;

/// <summary>
/// Puts the <see cref="GatewayBox"/> into the gateway when the configuration has <c>gpio</c>: makes its driver, feeds
/// it the gateway's health, and sends an <c>identify</c> event through the outbox for a short press (kept and acked
/// end to end like every event, so the fleet console learns of it even after an uplink outage). A box that cannot
/// start (no GPIO chip, no libgpiod) is logged with the reason; the gateway runs on without it.
/// </summary>
internal sealed class BoxHost(GatewayRuntime runtime, OutboxStore outbox, Func<GpioConfig, GpioDriver> drivers, ILogger log) : IDisposable
{
    private GatewayBox? _box;

    /// <summary>The gateway's health, set once the status builder exists.</summary>
    public Func<Health> Health { get; set; } = () => LocalStatus.Health.Ok;

    public BoxStatus? Status => _box?.Status;

    public void Start()
    {
        if (runtime.Config.Gpio is not { } config) return;
        GpioDriver? driver = null;
        try
        {
            driver = drivers(config);
            var box = new GatewayBox(driver, config, () => Health(), OnPressed, runtime.Time, log);
            box.Start();
            _box = box;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ArgumentException or PlatformNotSupportedException
            or DllNotFoundException or EntryPointNotFoundException or UnauthorizedAccessException)
        {
            driver?.Dispose();
            LocalStatusLog.BoxFailed(log, config.Driver, config.Chip, ex.Message);
        }
    }

    private void OnPressed(ButtonPress press)
    {
        if (press != ButtonPress.Identify) return;
        _ = RecordAsync(new GatewayEvent(EventTypes.Identify, null, runtime.Time.GetUtcNow(), "identify button pressed on the gateway box"));
    }

    private async Task RecordAsync(GatewayEvent e)
    {
        try
        {
            await outbox.AddEventAsync(e).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // Shutting down.
        }
    }

    public void Dispose() => _box?.Dispose();
}
