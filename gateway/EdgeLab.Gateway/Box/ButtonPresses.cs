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
/// Turns the button line's raw edges into presses: edges closer than <see cref="Debounce"/> to the last accepted one are
/// contact bounce and ignored (a mechanical switch bounces for a few milliseconds); a release after at least
/// <c>longPress</c> is a long press. Times come from the caller's clock, so tests drive it with a fake one.
/// </summary>
internal sealed class ButtonPresses(TimeSpan longPress)
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(30);

    private DateTimeOffset? _lastEdge;
    private DateTimeOffset? _pressedAt;

    /// <summary>Feeds one edge (<paramref name="pressed"/> = the button is now down). Returns the press it completes, if any.</summary>
    public (ButtonPress Press, TimeSpan Held)? Edge(bool pressed, DateTimeOffset at)
    {
        if (_lastEdge is { } last && at - last < Debounce) return null;
        if (pressed == (_pressedAt is not null)) return null; // no change (a repeated edge the driver reported twice)
        _lastEdge = at;
        if (pressed)
        {
            _pressedAt = at;
            return null;
        }
        var held = at - _pressedAt!.Value;
        _pressedAt = null;
        return (held >= longPress ? ButtonPress.Acknowledge : ButtonPress.Identify, held);
    }
}
