using System.Device.Gpio;

namespace EdgeLab.Gateway.Tests.Box;

/// <summary>
/// A <see cref="GpioDriver"/> over nothing: no GPIO chip exists on the build machines (no gpio-sim either), so this is
/// the one stand-in the project allows. It records every level written per line, keeps input levels the test sets,
/// and raises edge callbacks as a kernel would, should anything register one.
/// </summary>
internal sealed class RecordingGpioDriver : GpioDriver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, PinValue> _levels = [];
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Dictionary<int, List<PinValue>> _writes = [];
    private readonly Dictionary<int, PinChangeEventHandler> _callbacks = [];

    public bool Disposed { get; private set; }

    /// <summary>Edge callbacks ever registered (the gateway polls; see GatewayBox's remarks on IL2091).</summary>
    public int EdgeCallbacks { get; private set; }

    /// <summary>Levels written to a line, in order (each write, including the one made when the line was opened).</summary>
    public IReadOnlyList<PinValue> Writes(int pin)
    {
        lock (_gate) return _writes.TryGetValue(pin, out var w) ? [.. w] : [];
    }

    public PinValue Level(int pin)
    {
        lock (_gate) return _levels.TryGetValue(pin, out var v) ? v : PinValue.Low;
    }

    public PinMode Mode(int pin)
    {
        lock (_gate) return _modes[pin];
    }

    /// <summary>The outside world drives an input line (a button) to <paramref name="value"/>: level changes and the edge callback fires.</summary>
    public void Drive(int pin, PinValue value)
    {
        PinChangeEventHandler? callback;
        lock (_gate)
        {
            if (Level(pin) == value) return;
            _levels[pin] = value;
            _callbacks.TryGetValue(pin, out callback);
        }
        callback?.Invoke(this, new PinValueChangedEventArgs(value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling, pin));
    }

    protected override int PinCount => 64;

    protected override void OpenPin(int pinNumber)
    {
        lock (_gate) _modes[pinNumber] = PinMode.Input;
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_gate) _modes.Remove(pinNumber);
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_gate)
        {
            _modes[pinNumber] = mode;
            // A pull-up holds an unpressed active-low button high, as on the board.
            if (mode == PinMode.InputPullUp) _levels[pinNumber] = PinValue.High;
        }
    }

    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_gate) return _modes[pinNumber];
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    protected override PinValue Read(int pinNumber) => Level(pinNumber);

    protected override void Write(int pinNumber, PinValue value)
    {
        lock (_gate)
        {
            _levels[pinNumber] = value;
            if (!_writes.TryGetValue(pinNumber, out var list)) _writes[pinNumber] = list = [];
            list.Add(value);
        }
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the gateway uses callbacks");

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            _callbacks[pinNumber] = callback;
            EdgeCallbacks++;
        }
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate) _callbacks.Remove(pinNumber);
    }

    public override GpioChipInfo GetChipInfo() => new(0, "recording", "test", PinCount);

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
