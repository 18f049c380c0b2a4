using System.Device.Gpio;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Box;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Gateway.LocalStatus;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Gateway.Tests.Support;
using EdgeLab.Instruments.Dialect;
using EdgeLab.LocalServices;
using EdgeLab.Testing;

namespace EdgeLab.Gateway.Tests.Box;

/// <summary>
/// The box inside the real <see cref="GatewayApp"/>: its LED follows the gateway's own health (an analyzer whose cable
/// is missing makes it blink), the status page reports it, and a short press puts an <c>identify</c> event in the
/// outbox for the hub's fleet console. GPIO through <see cref="RecordingGpioDriver"/>, box time on a fake clock.
/// </summary>
public sealed class BoxInGatewayTests
{
    [Fact]
    public async Task The_led_follows_the_gateways_health_and_a_short_press_sends_identify_to_the_hub()
    {
        using var dir = new ScratchDirectory("gw-box");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var driver = new RecordingGpioDriver();
        var config = new GatewayConfig
        {
            GatewayId = "box-gw01",
            DataDirectory = dir.File("data"),
            ProfilesDirectory = ProfileCatalog.FindDefaultDirectory(),
            Mqtt = new MqttConfig { Host = "127.0.0.1", Port = FreeTcpPort.Next() },
            StatusPage = null,
            Gpio = new GpioConfig { Led = new GpioLineConfig { Pin = 5 }, Button = new GpioLineConfig { Pin = 6, ActiveLow = true } },
            // No such device: the link is down, which needs a person.
            Instruments = [new InstrumentConfig { Id = "xn-1", Profile = "sysmex-xn", Transport = new TransportConfig { Type = TransportConfig.Serial, Path = dir.File("no-such-tty") } }],
        };
        await using var app = GatewayApp.Create(config, new GatewayAppOptions { Time = time, MqttTime = TimeProvider.System, GpioDriverFactory = _ => driver });
        await app.StartAsync();
        await Eventually.TrueAsync(() => app.Runtime.Links().Single().State == "down", "the missing serial device is reported down");

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(Health.Attention, app.LocalStatus.Build().Health);
        Assert.Equal(BoxLed.Blinking, app.LocalStatus.Build().Box!.Led);
        var levels = new List<PinValue>();
        for (var i = 0; i < 8; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            levels.Add(driver.Level(5));
        }
        Assert.Contains(PinValue.High, levels);
        Assert.Contains(PinValue.Low, levels);

        driver.Drive(6, PinValue.Low);
        time.Advance(TimeSpan.FromMilliseconds(300));
        driver.Drive(6, PinValue.High);
        time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal(BoxLed.Identify, app.LocalStatus.Build().Box!.Led);
        await Eventually.TrueAsync(() => IdentifyEvents(app).Count == 1, () => $"one identify event in the outbox; have {IdentifyEvents(app).Count}");
        var e = IdentifyEvents(app).Single();
        Assert.Equal("box-gw01", e.GatewayId);
        Assert.Null(e.InstrumentId);

        await app.StopAsync();
    }

    private static List<EventMessage> IdentifyEvents(GatewayApp app) =>
        [.. app.Outbox.Reader.ReadPending(1, 1000).Where(r => r.Kind == OutboxKinds.Event)
            .Select(r => JsonSerializer.Deserialize(r.Payload.Span, WireJson.Default.EventMessage)!)
            .Where(m => m.Type == EventTypes.Identify)];
}
