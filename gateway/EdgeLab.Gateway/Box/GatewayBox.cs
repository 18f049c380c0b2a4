using System.Device.Gpio;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.LocalStatus;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Box;

/// <summary>
/// The box at the analyzer: drives the status LED and the buzzer from <see cref="BoxSignals"/> and reads the button
/// through <see cref="ButtonPresses"/>, over System.Device.Gpio's <see cref="GpioController"/> — the seam is its
/// <see cref="GpioDriver"/> (libgpiod or sysfs on a device; a subclass in tests, since no GPIO exists on the build
/// machines). Every tick (<see cref="Tick"/>, on the injected clock) it writes a line only when its level changes,
/// re-reads health once a second, and samples the button's level.
/// </summary>
/// <remarks>
/// The button is polled, never watched for edges, and this is deliberate. A 25 ms sample is the textbook way to
/// debounce a mechanical switch (bounce shorter than a sample is never seen; <see cref="ButtonPresses"/> ignores the
/// rest), and it keeps the Native AOT gateway free of System.Device.Gpio's one trim warning: IL2091 in
/// <c>UnmanagedArray&lt;T&gt;.ReadToManagedArray</c> (<c>Marshal.PtrToStructure&lt;T&gt;</c> without the constructor
/// annotation), reached only from the drivers' edge-event paths (<c>SysFsDriver.DetectEvents</c>/<c>WaitForEvent</c>,
/// libgpiod v2's <c>LineRequest.WaitEdgeEventsRespectfully</c>), i.e. from
/// <c>RegisterCallbackForPinValueChangedEvent</c> and <c>WaitForEvent</c>. The gateway calls neither, so the compiler
/// never reaches that code; the AOT publish keeps warnings as errors, so a later edge callback fails it loudly instead
/// of being suppressed (gateway/ARCHITECTURE.md "The box").
/// </remarks>
internal sealed class GatewayBox : IDisposable
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan HealthEvery = TimeSpan.FromSeconds(1);

    private readonly GpioController _gpio;
    private readonly GpioConfig _config;
    private readonly Func<Health> _health;
    private readonly Action<ButtonPress> _pressed;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly BoxSignals _signals;
    private readonly ButtonPresses _button;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private DateTimeOffset _healthReadAt = DateTimeOffset.MinValue;
    private bool? _ledOn;
    private bool? _buzzerOn;

    /// <param name="driver">Owned: disposed with the box.</param>
    /// <param name="health">The gateway's health now (<see cref="LocalStatusBuilder"/>); read once a second.</param>
    /// <param name="pressed">Called for each press after the box has acted on it (identify: the hub event).</param>
    public GatewayBox(GpioDriver driver, GpioConfig config, Func<Health> health, Action<ButtonPress> pressed, TimeProvider time, ILogger log)
    {
        _gpio = new GpioController(driver);
        _config = config;
        _health = health;
        _pressed = pressed;
        _time = time;
        _log = log;
        _signals = new BoxSignals(time.GetUtcNow());
        _button = new ButtonPresses(TimeSpan.FromMilliseconds(config.LongPressMilliseconds));
    }

    /// <summary>What the LED and buzzer show now, for the status page.</summary>
    public BoxStatus Status
    {
        get
        {
            lock (_gate) return new BoxStatus(_signals.Led(_time.GetUtcNow()), _signals.Alarm);
        }
    }

    /// <summary>Opens the lines (outputs off) and starts ticking. Throws what the driver throws when a line cannot be opened.</summary>
    public void Start()
    {
        if (_config.Led is { } led) OpenOutput(led);
        if (_config.Buzzer is { } buzzer) OpenOutput(buzzer);
        if (_config.Button is { } button)
        {
            // A button to ground (active low) needs a pull-up, one to 3V3 a pull-down; plain input if the chip has no bias.
            var mode = button.ActiveLow ? PinMode.InputPullUp : PinMode.InputPullDown;
            _gpio.OpenPin(button.Pin, _gpio.IsPinModeSupported(button.Pin, mode) ? mode : PinMode.Input);
        }
        _timer = _time.CreateTimer(_ => OnTick(), null, TimeSpan.Zero, Tick);
    }

    private void OpenOutput(GpioLineConfig line) => _gpio.OpenPin(line.Pin, PinMode.Output, Level(line, on: false));

    private void Feed(bool pressed)
    {
        ButtonPress? press;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            press = _button.Sample(pressed, now)?.Press;
            if (press is null) return;
            // Whoever presses while the buzzer sounds wants it quiet, however long the press.
            if (press == ButtonPress.Identify && _signals.Alarm) press = ButtonPress.Acknowledge;
            if (press == ButtonPress.Acknowledge) _signals.Acknowledge();
            else _signals.Identify(now);
            WriteOutputs(now);
        }
        LocalStatusLog.ButtonPressed(_log, press == ButtonPress.Acknowledge ? "acknowledge (buzzer silenced)" : "identify");
        _pressed(press.Value);
    }

    private void OnTick()
    {
        try
        {
            var now = _time.GetUtcNow();
            if (now - _healthReadAt >= HealthEvery)
            {
                var health = _health();
                lock (_gate)
                {
                    _signals.SetHealth(health);
                    _healthReadAt = now;
                }
            }
            if (_config.Button is { } button)
            {
                var level = _gpio.Read(button.Pin);
                Feed(button.ActiveLow ? level == PinValue.Low : level == PinValue.High);
            }
            lock (_gate) WriteOutputs(now);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException or Microsoft.Data.Sqlite.SqliteException)
        {
            // A health read or a line write failed: the next tick tries again; the gateway's work is not affected.
            LocalStatusLog.RequestFailed(_log, "box: " + ex.Message);
        }
    }

    private void WriteOutputs(DateTimeOffset now)
    {
        if (_config.Led is { } led) Write(led, _signals.LedOn(now), ref _ledOn);
        if (_config.Buzzer is { } buzzer) Write(buzzer, _signals.BuzzerOn(now), ref _buzzerOn);
    }

    private void Write(GpioLineConfig line, bool on, ref bool? last)
    {
        if (last == on) return;
        _gpio.Write(line.Pin, Level(line, on));
        last = on;
    }

    private static PinValue Level(GpioLineConfig line, bool on) => on != line.ActiveLow ? PinValue.High : PinValue.Low;

    public void Dispose()
    {
        _timer?.Dispose();
        lock (_gate)
        {
            // Dark and quiet when the gateway stops: an unlit LED says "not running".
            try
            {
                if (_config.Led is { } led && _gpio.IsPinOpen(led.Pin)) _gpio.Write(led.Pin, Level(led, on: false));
                if (_config.Buzzer is { } buzzer && _gpio.IsPinOpen(buzzer.Pin)) _gpio.Write(buzzer.Pin, Level(buzzer, on: false));
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                // Closing anyway.
            }
            _gpio.Dispose();
        }
    }
}
