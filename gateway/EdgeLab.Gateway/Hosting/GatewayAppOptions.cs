using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Hosting;

/// <summary>How a <see cref="GatewayApp"/> is put together beyond its configuration file.</summary>
internal sealed record GatewayAppOptions
{
    /// <summary>The file the configuration was read from (a configuration from the hub is written back to it).</summary>
    public string? ConfigPath { get; init; }
    /// <summary><c>--trace-file</c>: JSON lines of pipeline steps.</summary>
    public string? TraceFile { get; init; }
    public TimeProvider Time { get; init; } = TimeProvider.System;
    /// <summary>Clock of the MQTT client (keep alive, reconnect backoff); defaults to <see cref="Time"/>.</summary>
    public TimeProvider? MqttTime { get; init; }
    public ILoggerFactory? Loggers { get; init; }
    /// <summary>Makes the MQTT client; default is EdgeLab's <see cref="MqttClient"/>.</summary>
    public Func<MqttClientOptions, ILogger, IMqttClient>? MqttClientFactory { get; init; }
    /// <summary>Called for the hub's <c>restart</c> command, after the reply is sent.</summary>
    public Action? RequestRestart { get; init; }
    /// <summary>Why a reboot must wait (a new version on trial), or null; asked by the hub's <c>reboot</c> command.</summary>
    public Func<string?>? UpdateInProgress { get; init; }
    /// <summary>Makes the GPIO driver of the box (LED, buzzer, button) when the configuration has <c>gpio</c>; default libgpiod or sysfs.</summary>
    public Func<Configuration.GpioConfig, System.Device.Gpio.GpioDriver>? GpioDriverFactory { get; init; }
}
