using EdgeLab.Gateway.LocalStatus;

namespace EdgeLab.Gateway.Box;

/// <summary>
/// What the box's LED and buzzer show, as a pure function of the gateway's health, the button's last requests and the
/// time: green steady = all instruments up (or idle) and the outbox draining; slow blink = something needs a person;
/// fast blink for <see cref="IdentifyFor"/> after an identify press; buzzer beeping while the store refuses the
/// analyzers (<see cref="Health.Critical"/>) until someone acknowledges with the button. An acknowledged fault stays
/// silent until it clears and comes back.
/// </summary>
internal sealed class BoxSignals(DateTimeOffset start)
{
    public static readonly TimeSpan IdentifyFor = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan SlowBlinkHalf = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan FastBlinkHalf = TimeSpan.FromMilliseconds(125);
    public static readonly TimeSpan BeepHalf = TimeSpan.FromMilliseconds(1000);

    private Health _health = Health.Ok;
    private bool _acknowledged;
    private DateTimeOffset? _identifyUntil;

    public Health Health => _health;

    /// <summary>True while the buzzer is wanted (critical and not acknowledged), whether or not this instant is a beep.</summary>
    public bool Alarm => _health == Health.Critical && !_acknowledged;

    public void SetHealth(Health health)
    {
        // A fault that cleared re-arms the buzzer for the next one.
        if (health != Health.Critical) _acknowledged = false;
        _health = health;
    }

    public void Identify(DateTimeOffset now) => _identifyUntil = now + IdentifyFor;

    /// <summary>Silences the buzzer for the current critical fault.</summary>
    public void Acknowledge() => _acknowledged = _health == Health.Critical || _acknowledged;

    public BoxLed Led(DateTimeOffset now) =>
        _identifyUntil is { } until && now < until ? BoxLed.Identify
        : _health == Health.Ok ? BoxLed.Steady
        : BoxLed.Blinking;

    /// <summary>Whether the LED is lit at <paramref name="now"/>.</summary>
    public bool LedOn(DateTimeOffset now) => Led(now) switch
    {
        BoxLed.Steady => true,
        BoxLed.Blinking => Phase(now, SlowBlinkHalf),
        BoxLed.Identify => Phase(now, FastBlinkHalf),
        _ => false,
    };

    /// <summary>Whether the buzzer sounds at <paramref name="now"/> (beeps: on one second, off one second).</summary>
    public bool BuzzerOn(DateTimeOffset now) => Alarm && Phase(now, BeepHalf);

    /// <summary>On for the first half of each period, counted from the box's start so patterns are steady.</summary>
    private bool Phase(DateTimeOffset now, TimeSpan half) => (now - start).Ticks / half.Ticks % 2 == 0;
}
