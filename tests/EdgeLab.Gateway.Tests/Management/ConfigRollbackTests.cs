using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Tests.Support;
using EdgeLab.Instruments.Link.Astm;
using EdgeLab.Instruments.Transport;
using EdgeLab.LocalServices;
using EdgeLab.Testing;

namespace EdgeLab.Gateway.Tests.Management;

/// <summary>
/// The hub's desired configuration is kept only if the instruments that were up come back up (issue 4); otherwise the
/// gateway goes back to the configuration it had. Real Mosquitto, the test playing the hub, an ASTM analyzer on a socat
/// pseudo-terminal; the wait for the instruments runs on the gateway's injected clock.
/// </summary>
public sealed class ConfigRollbackTests
{
    private const string GatewayId = "test-gw01";
    private const string InstrumentId = "c311";

    /// <summary>Deadline for steps that cross the broker twice; the machine may be loaded.</summary>
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    /// <summary>Answers nothing: the analyzer only sends.</summary>
    private sealed class SendOnlyHandler : IAstmMessageHandler
    {
        public ValueTask<AstmMessageOutcome> OnMessageAsync(AstmReceivedMessage message, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new AstmMessageOutcome(true));

        public ValueTask OnIncompleteMessageAsync(AstmReceivedMessage partial, string reason, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_configuration_whose_instrument_does_not_come_up_is_rolled_back_and_the_old_one_serves_again()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var cable = await SocatPtyPair.StartAsync();
        using var scratch = new ScratchDirectory("rollback");
        var missingPort = scratch.File("no-such-tty");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gw = await GatewayUnderTest.StartAsync(broker, time, gatewayId: GatewayId,
            configure: c => c with { Instruments = [Analyzer(cable.GatewayEnd)] }, profiles: ["generic-lis2"]);
        await using var hub = await HubPeer.StartAsync(broker, GatewayId, autoAck: true);
        var fileBefore = await File.ReadAllTextAsync(gw.ConfigPath);

        await using var analyzerEnd = new SerialTransport(new SerialPortSettings(cable.InstrumentEnd)).Open();
        var analyzer = new AstmLinkSession(new AstmLinkOptions { InstrumentId = "analyzer" }, new SendOnlyHandler());
        using var stop = new CancellationTokenSource();
        var analyzerRun = analyzer.RunAsync(analyzerEnd, stop.Token);
        try
        {
            await Eventually.TrueAsync(() => gw.App.Runtime.IsUp(InstrumentId), "instrument up on the pseudo-terminal");
            await SendResultAsync(analyzer, "ROLL-0001");
            await Eventually.TrueAsync(() => HasResult(hub, "ROLL-0001"), "the first result at the hub", Generous);

            var before = gw.App.Runtime.Config;
            var broken = before with
            {
                Instruments = [Analyzer(missingPort)],
                Management = before.Management with { ConfigApplyTimeoutSeconds = 5 },
            };
            await PublishConfigAsync(hub, 2, broken);
            await Eventually.TrueAsync(() => gw.App.Runtime.Config.ConfigVersion == 2, "version 2 swapped in");
            Assert.False(gw.App.Runtime.IsUp(InstrumentId));

            // The applier waits 5 s on the gateway's clock; move it a second at a time until it gives up.
            await Eventually.TrueAsync(() =>
            {
                if (Rejections(hub).Any()) return true;
                time.Advance(TimeSpan.FromSeconds(1));
                return false;
            }, () => "config-rejected event; gateway log:\n" + string.Join("\n", gw.App.Logs.Tail(30)), Generous);

            var rollback = Rejections(hub).Single();
            Assert.Contains($"rolled back to version 1: instrument(s) {InstrumentId} did not come back up within 5 s", rollback.Text);
            Assert.Equal("2", rollback.Data["version"]);
            Assert.Equal("rolled-back", rollback.Data["outcome"]);
            Assert.Equal("1", rollback.Data["inForce"]);
            Assert.Equal(1, gw.App.Runtime.Config.ConfigVersion);
            Assert.Equal(cable.GatewayEnd, gw.App.Runtime.Config.Instruments.Single().Transport.Path);
            Assert.Equal(fileBefore, await File.ReadAllTextAsync(gw.ConfigPath));
            // Status publishes race one another (link change, config change), so not "the last one" but "one after version 2".
            await Eventually.TrueAsync(
                () => hub.Statuses().SkipWhile(s => s.ConfigVersion != 2).Any(s => s.ConfigVersion == 1 && s.Instruments.Any(i => i.InstrumentId == InstrumentId && i.State == "up")),
                () => $"a status after version 2 reporting version 1 with {InstrumentId} up; last: {JsonSerializer.Serialize(hub.Statuses().LastOrDefault(), WireJson.Default.StatusMessage)}",
                Generous);

            // The old configuration's instrument serves again: a result sent now is committed and reaches the hub.
            await SendResultAsync(analyzer, "ROLL-0002");
            await Eventually.TrueAsync(() => HasResult(hub, "ROLL-0002"), "a result after the rollback", Generous);

            // The retained version 2 comes again (as after every reconnect): it is not tried a second time.
            await PublishConfigAsync(hub, 2, broken);
            await PublishConfigAsync(hub, 3, before with { Management = before.Management with { HeartbeatSeconds = 45 } });
            await Eventually.TrueAsync(() => hub.Events().Any(e => e.Type == EventTypes.ConfigApplied), "version 3 applied", Generous);
            Assert.Single(Rejections(hub));
            Assert.Equal(3, gw.App.Runtime.Config.ConfigVersion);
            Assert.Contains("\"heartbeatSeconds\": 45", await File.ReadAllTextAsync(gw.ConfigPath));
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await analyzerRun.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }
    }

    private static InstrumentConfig Analyzer(string path) => new()
    {
        Id = InstrumentId,
        Profile = "generic-lis2",
        Transport = new TransportConfig { Type = TransportConfig.Serial, Path = path },
    };

    private static async Task SendResultAsync(AstmLinkSession analyzer, string specimen)
    {
        var sent = await analyzer.SendAsync(
            ["H|\\^&|||SIM^1|||||||P|1", "P|1||PAT-SYNTH-1", $"O|1|{specimen}||^^^GLU|R", "R|1|^^^GLU|5.4|mmol/L||N||F", "L|1|N"])
            .WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(sent.Succeeded, $"the analyzer could not send {specimen}: {sent.Status}");
    }

    private static bool HasResult(HubPeer hub, string specimen) =>
        hub.Messages.Where(m => m.Topic == Topics.Results(GatewayId))
            .Any(m => JsonSerializer.Deserialize(m.Payload.Span, WireJson.Default.ResultMessage)!.SpecimenId == specimen);

    private static IEnumerable<EventMessage> Rejections(HubPeer hub) => hub.Events().Where(e => e.Type == EventTypes.ConfigRejected);

    private static Task PublishConfigAsync(HubPeer hub, long version, GatewayConfig config) =>
        hub.PublishAsync(Topics.Config(GatewayId), JsonSerializer.SerializeToUtf8Bytes(
            new ConfigMessage { Version = version, Document = JsonDocument.Parse(GatewayConfigLoader.Serialize(config)).RootElement }, WireJson.Default.ConfigMessage));
}
