namespace EdgeLab.Gateway.Configuration;

/// <summary>
/// The local status page (issue 10, "the technician's view"): read-only HTML and JSON, no patient data. Loopback by
/// default, so only the box itself (and an SSH tunnel) sees it; the lab network only when the configuration names an
/// address there. <c>"statusPage": null</c> turns the page off; the status socket for <c>edgelab-gateway status</c>
/// in the data directory stays.
/// </summary>
internal sealed record StatusPageConfig
{
    public const int DefaultPort = 8780;

    /// <summary>An IP address of this box, e.g. <c>127.0.0.1</c> (default) or its address on the lab network.</summary>
    public string Address { get; set; } = "127.0.0.1";
    public int Port { get; set; } = DefaultPort;
}

/// <summary>
/// The box at the analyzer: a status LED, a buzzer and a button on GPIO lines (System.Device.Gpio). Off unless
/// configured (<c>"gpio": null</c>, the default), since most gateways run on boxes without them.
/// </summary>
internal sealed record GpioConfig
{
    /// <summary><c>libgpiod</c> (a Raspberry Pi and most boards, /dev/gpiochipN) or <c>sysfs</c> (/sys/class/gpio, older kernels).</summary>
    public string Driver { get; set; } = "libgpiod";
    /// <summary>The GPIO chip number for libgpiod (gpiochip0 on a Pi).</summary>
    public int Chip { get; set; }
    public GpioLineConfig? Led { get; init; }
    public GpioLineConfig? Buzzer { get; init; }
    public GpioLineConfig? Button { get; init; }
    /// <summary>A press at least this long acknowledges (silences the buzzer); a shorter one asks the box to identify itself.</summary>
    public int LongPressMilliseconds { get; set; } = 2000;
}

/// <summary>One GPIO line: its number on the chip and whether the part it drives or reads is active when the line is low.</summary>
internal sealed record GpioLineConfig
{
    public required int Pin { get; init; }
    /// <summary>True when the part is on at a low level (an LED wired to 3V3, a button to ground with a pull-up).</summary>
    public bool ActiveLow { get; set; }
}
