using System.Device.Gpio;
using EdgeLab.Gateway.Box;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.LocalStatus;
using EdgeLab.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Gateway.Tests.Box;

/// <summary>
/// The box's LED, buzzer and button through System.Device.Gpio's <see cref="GpioController"/> over
/// <see cref="RecordingGpioDriver"/>, on a fake clock (no sleeps): green steady when all is well, slow blink when a
/// person is needed, beeping on a critical fault until acknowledged, and the button's short / long presses.
/// </summary>
public sealed class GatewayBoxTests : IDisposable
{
    private const int Led = 17;
    private const int Buzzer = 27;
    private const int Button = 22;

    private readonly FakeTimeProvider _time = new();
    private readonly RecordingGpioDriver _driver = new();
    private readonly List<ButtonPress> _presses = [];
    private Health _health = Health.Ok;
    private GatewayBox? _box;

    private GatewayBox Start(bool ledActiveLow = false, bool buttonActiveLow = true)
    {
        var config = new GpioConfig
        {
            Led = new GpioLineConfig { Pin = Led, ActiveLow = ledActiveLow },
            Buzzer = new GpioLineConfig { Pin = Buzzer },
            Button = new GpioLineConfig { Pin = Button, ActiveLow = buttonActiveLow },
            LongPressMilliseconds = 2000,
        };
        _box = new GatewayBox(_driver, config, () => _health, _presses.Add, _time, NullLogger.Instance);
        _box.Start();
        return _box;
    }

    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(125);

    /// <summary>Long enough for the box to take a new button level as real (two samples).</summary>
    private static readonly TimeSpan Settle = GatewayBox.Tick * 2;

    /// <summary>A line's level every 125 ms over <paramref name="span"/>, as a string of 1/0.</summary>
    private string Sample(int pin, TimeSpan span)
    {
        var levels = new System.Text.StringBuilder();
        for (var t = TimeSpan.Zero; t < span; t += Step)
        {
            _time.Advance(Step);
            levels.Append(_driver.Level(pin) == PinValue.High ? '1' : '0');
        }
        return levels.ToString();
    }

    [Fact]
    public void All_up_and_draining_is_green_steady_and_quiet()
    {
        Start();
        var led = Sample(Led, TimeSpan.FromSeconds(3));
        Assert.Equal(new string('1', led.Length), led);
        Assert.DoesNotContain(PinValue.High, _driver.Writes(Buzzer));
        Assert.Equal(new BoxStatus(BoxLed.Steady, false), _box!.Status);
    }

    [Fact]
    public void An_instrument_down_makes_the_led_blink_slowly_and_back_to_steady_when_it_returns()
    {
        Start();
        _time.Advance(TimeSpan.FromSeconds(1));
        _health = Health.Attention;
        _time.Advance(TimeSpan.FromSeconds(1)); // the box reads health once a second
        var led = Sample(Led, TimeSpan.FromSeconds(2));
        // 500 ms on, 500 ms off: four ticks each.
        Assert.Contains("00001111", led + led, StringComparison.Ordinal);
        Assert.Contains("11110000", led + led, StringComparison.Ordinal);
        Assert.DoesNotContain("11111", led, StringComparison.Ordinal);
        Assert.Equal(BoxLed.Blinking, _box!.Status.Led);
        Assert.DoesNotContain(PinValue.High, _driver.Writes(Buzzer));

        _health = Health.Ok;
        _time.Advance(TimeSpan.FromSeconds(1));
        var after = Sample(Led, TimeSpan.FromSeconds(2));
        Assert.Equal(new string('1', after.Length), after);
    }

    [Fact]
    public void A_critical_fault_sounds_the_buzzer_until_a_long_press_acknowledges_it_and_rearms_after_it_clears()
    {
        Start();
        _health = Health.Critical;
        _time.Advance(TimeSpan.FromSeconds(1));
        var beeps = Sample(Buzzer, TimeSpan.FromSeconds(4));
        Assert.Contains(new string('1', 8), beeps, StringComparison.Ordinal); // one second on
        Assert.Contains(new string('0', 8), beeps, StringComparison.Ordinal); // one second off
        Assert.True(_box!.Status.Buzzer);
        Assert.Equal(BoxLed.Blinking, _box.Status.Led);

        // Hold the (active-low) button for 2.5 s.
        _driver.Drive(Button, PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(2500));
        _driver.Drive(Button, PinValue.High);
        _time.Advance(Settle);

        Assert.Equal([ButtonPress.Acknowledge], _presses);
        Assert.Equal(PinValue.Low, _driver.Level(Buzzer));
        var silent = Sample(Buzzer, TimeSpan.FromSeconds(5));
        Assert.Equal(new string('0', silent.Length), silent);
        Assert.False(_box.Status.Buzzer);
        Assert.Equal(BoxLed.Blinking, _box.Status.Led); // still needs a person

        // The fault clears, then comes back: the buzzer sounds again.
        _health = Health.Ok;
        _time.Advance(TimeSpan.FromSeconds(2));
        _health = Health.Critical;
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains('1', Sample(Buzzer, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void A_short_press_identifies_the_box_with_a_fast_blink_for_thirty_seconds()
    {
        Start();
        _time.Advance(TimeSpan.FromSeconds(1));
        _driver.Drive(Button, PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        _driver.Drive(Button, PinValue.High);
        _time.Advance(Settle);

        Assert.Equal([ButtonPress.Identify], _presses);
        Assert.Equal(BoxLed.Identify, _box!.Status.Led);
        var fast = Sample(Led, TimeSpan.FromSeconds(2));
        Assert.Contains("1010", fast, StringComparison.Ordinal); // 125 ms on, 125 ms off
        _time.Advance(BoxSignals.IdentifyFor);
        Assert.Equal(BoxLed.Steady, _box.Status.Led);
        var steady = Sample(Led, TimeSpan.FromSeconds(1));
        Assert.Equal(new string('1', steady.Length), steady);
    }

    [Fact]
    public void A_short_press_while_the_buzzer_sounds_silences_it_rather_than_identifying()
    {
        Start();
        _health = Health.Critical;
        _time.Advance(TimeSpan.FromSeconds(1));
        _driver.Drive(Button, PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        _driver.Drive(Button, PinValue.High);
        _time.Advance(Settle);

        Assert.Equal([ButtonPress.Acknowledge], _presses);
        Assert.False(_box!.Status.Buzzer);
    }

    [Fact]
    public void Contact_bounce_within_the_debounce_time_makes_one_press()
    {
        Start();
        // A bounce is one 25 ms sample of the other level, on the press and again on the release 400 ms later.
        _driver.Drive(Button, PinValue.Low);
        _time.Advance(GatewayBox.Tick);
        _driver.Drive(Button, PinValue.High);
        _time.Advance(GatewayBox.Tick);
        _driver.Drive(Button, PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(400));
        _driver.Drive(Button, PinValue.High);
        _time.Advance(GatewayBox.Tick);
        _driver.Drive(Button, PinValue.Low);
        _time.Advance(GatewayBox.Tick);
        _driver.Drive(Button, PinValue.High);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([ButtonPress.Identify], _presses);
    }

    [Fact]
    public void The_button_is_polled_never_watched_for_edges_which_keeps_the_aot_build_free_of_il2091()
    {
        Start();
        Assert.Equal(0, _driver.EdgeCallbacks);
    }

    [Fact]
    public void Active_low_lines_are_inverted_and_the_box_goes_dark_when_disposed()
    {
        Start(ledActiveLow: true, buttonActiveLow: false);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(PinValue.Low, _driver.Level(Led)); // lit = low
        Assert.Equal(PinMode.InputPullDown, _driver.Mode(Button));

        _driver.Drive(Button, PinValue.High); // active-high button pressed
        _time.Advance(TimeSpan.FromMilliseconds(300));
        _driver.Drive(Button, PinValue.Low);
        _time.Advance(Settle);
        Assert.Equal([ButtonPress.Identify], _presses);

        _box!.Dispose();
        _box = null;
        Assert.Equal(PinValue.High, _driver.Level(Led)); // dark = high
        Assert.True(_driver.Disposed);
    }

    public void Dispose() => _box?.Dispose();
}
