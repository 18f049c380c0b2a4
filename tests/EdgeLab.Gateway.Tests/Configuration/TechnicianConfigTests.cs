using EdgeLab.Gateway.Configuration;

namespace EdgeLab.Gateway.Tests.Configuration;

/// <summary><c>statusPage</c> and <c>gpio</c>: defaults (page on loopback, no GPIO), null turns off, bad fields named.</summary>
public sealed class TechnicianConfigTests
{
    private const string Base = """{ "gatewayId": "tomsk-okb-gw01", "dataDirectory": "/tmp/x", "mqtt": { "host": "127.0.0.1" } EXTRA }""";

    private static GatewayConfig Parse(string extra) => GatewayConfigLoader.Parse(Base.Replace("EXTRA", extra, StringComparison.Ordinal), "test.json");

    private static IReadOnlyList<string> Errors(string extra) =>
        Assert.Throws<GatewayConfigException>(() => Parse(extra)).Errors;

    [Fact]
    public void Without_either_section_the_page_listens_on_loopback_and_there_is_no_gpio()
    {
        var config = Parse("");
        Assert.Equal("127.0.0.1", config.StatusPage!.Address);
        Assert.Equal(StatusPageConfig.DefaultPort, config.StatusPage.Port);
        Assert.Null(config.Gpio);
    }

    [Fact]
    public void Null_turns_the_page_off_and_stays_off_when_written_back()
    {
        var config = Parse(""", "statusPage": null, "gpio": null""");
        Assert.Null(config.StatusPage);
        // A configuration written back (from the hub) must not turn the page on again by leaving the key out.
        Assert.Null(GatewayConfigLoader.Parse(GatewayConfigLoader.Serialize(config), "again.json").StatusPage);
    }

    [Fact]
    public void The_lab_network_address_and_gpio_lines_bind()
    {
        var config = Parse("""
            , "statusPage": { "address": "10.20.0.15", "port": 8080 },
            "gpio": { "driver": "sysfs", "led": { "pin": 17 }, "buzzer": { "pin": 27 }, "button": { "pin": 22, "activeLow": true } }
            """);
        Assert.Equal("10.20.0.15", config.StatusPage!.Address);
        Assert.Equal("sysfs", config.Gpio!.Driver);
        Assert.True(config.Gpio.Button!.ActiveLow);
        Assert.False(config.Gpio.Led!.ActiveLow);
        Assert.Equal(2000, config.Gpio.LongPressMilliseconds);
    }

    [Fact]
    public void Bad_fields_are_named()
    {
        var errors = Errors("""
            , "statusPage": { "address": "lab-pc", "port": 70000 },
            "gpio": { "driver": "wiringpi", "led": { "pin": 17 }, "buzzer": { "pin": 17 }, "button": { "activeLow": true }, "colour": "green" }
            """);
        Assert.Contains(errors, e => e.StartsWith("statusPage.address: \"lab-pc\" is not an IP address", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("statusPage.port:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("gpio.driver:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("gpio.buzzer.pin: line 17 is already the led's", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("gpio.button", StringComparison.Ordinal) && e.Contains("pin", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("colour", StringComparison.Ordinal));
    }
}
