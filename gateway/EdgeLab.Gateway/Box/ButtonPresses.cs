namespace EdgeLab.Gateway.Box;

/// <summary>What a press of the box's button asks for.</summary>
internal enum ButtonPress
{
    /// <summary>A short press: blink fast and tell the hub, so regional IT can see which box is in the technician's hands.</summary>
    Identify,
    /// <summary>A long press (or a short one while the buzzer sounds): silence the buzzer.</summary>
    Acknowledge,
}

/// <summary>
/// Turns the button line's sampled level into presses. A level counts only once it has been read the same for at least
/// <see cref="Debounce"/> (two samples in a row at the box's 25 ms tick), so contact bounce — a mechanical switch
/// chatters for a few milliseconds on press and release — never makes a press of its own. A release after at least
/// <c>longPress</c> is a long press. Times come from the caller's clock, so tests drive it with a fake one.
/// </summary>
internal sealed class ButtonPresses(TimeSpan longPress)
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(20);

    private bool _stable;
    private bool _candidate;
    private DateTimeOffset _candidateSince;
    private DateTimeOffset _pressedAt;

    /// <summary>Feeds one sample (<paramref name="pressed"/> = the button is down now). Returns the press it completes, if any.</summary>
    public (ButtonPress Press, TimeSpan Held)? Sample(bool pressed, DateTimeOffset at)
    {
        if (pressed != _candidate)
        {
            _candidate = pressed;
            _candidateSince = at;
        }
        if (pressed == _stable || at - _candidateSince < Debounce) return null;
        _stable = pressed;
        if (pressed)
        {
            _pressedAt = _candidateSince;
            return null;
        }
        var held = _candidateSince - _pressedAt;
        return (held >= longPress ? ButtonPress.Acknowledge : ButtonPress.Identify, held);
    }
}
