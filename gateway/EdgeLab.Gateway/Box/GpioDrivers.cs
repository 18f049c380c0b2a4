using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using EdgeLab.Gateway.Configuration;

namespace EdgeLab.Gateway.Box;

/// <summary>The configured <see cref="GpioDriver"/>: libgpiod (/dev/gpiochipN; a Raspberry Pi and most boards) or sysfs.</summary>
internal static class GpioDrivers
{
    public static GpioDriver Create(GpioConfig config) => config.Driver switch
    {
        "sysfs" => new SysFsDriver(),
        _ => new LibGpiodDriver(config.Chip),
    };
}
