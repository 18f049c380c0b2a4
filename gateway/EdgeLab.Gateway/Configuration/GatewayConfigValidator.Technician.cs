using System.Net;
using System.Text.Json;

namespace EdgeLab.Gateway.Configuration;

/// <summary>The technician's sections: <c>statusPage</c> (address and port) and <c>gpio</c> (LED, buzzer, button lines).</summary>
internal static partial class GatewayConfigValidator
{
    private static readonly string[] StatusPageFields = ["address", "port"];
    private static readonly string[] GpioFields = ["driver", "chip", "led", "buzzer", "button", "longPressMilliseconds"];
    private static readonly string[] GpioDrivers = ["libgpiod", "sysfs"];
    private static readonly string[] GpioLineFields = ["pin", "activeLow"];
    private static readonly string[] GpioLineRequired = ["pin"];

    private static void ValidateTechnician(JsonFieldChecker c, JsonElement root)
    {
        // null turns either section off; only an object is checked field by field.
        if (c.Member(root, "statusPage") is { ValueKind: not JsonValueKind.Null } page && c.Object(page, "statusPage", StatusPageFields, []))
        {
            var address = c.String(page, "statusPage", "address", minLength: 1);
            if (address is { Length: > 0 } && !IPAddress.TryParse(address, out _))
                c.Add("statusPage.address", $"\"{address}\" is not an IP address of this box (e.g. 127.0.0.1, or its address on the lab network)");
            c.Integer(page, "statusPage", "port", 1, 65535);
        }
        if (c.Member(root, "gpio") is not { ValueKind: not JsonValueKind.Null } gpio || !c.Object(gpio, "gpio", GpioFields, [])) return;
        c.String(gpio, "gpio", "driver", oneOf: GpioDrivers);
        c.Integer(gpio, "gpio", "chip", 0, 255);
        c.Integer(gpio, "gpio", "longPressMilliseconds", 300, 60_000);
        var pins = new Dictionary<long, string>();
        foreach (var line in (string[])["led", "buzzer", "button"])
        {
            if (c.Member(gpio, line) is not { ValueKind: not JsonValueKind.Null } l) continue;
            var path = $"gpio.{line}";
            if (!c.Object(l, path, GpioLineFields, GpioLineRequired)) continue;
            var pin = c.Integer(l, path, "pin", 0, 1023);
            c.Boolean(l, path, "activeLow");
            if (pin is { } p && !pins.TryAdd(p, line))
                c.Add($"{path}.pin", $"line {p} is already the {pins[p]}'s: each part needs its own line");
        }
    }
}
