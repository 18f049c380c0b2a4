using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Detection;
using EdgeLab.Gateway.Tests.Support;
using EdgeLab.Instruments.Link.Mllp;
using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.Detection;

/// <summary>
/// <c>profile: auto</c> on a TCP analyzer (HL7 over MLLP: the model from MSH-3/4), seen by the hub as an event and in the
/// published status, and the hub's <c>redetect</c> command forgetting it — over a real Mosquitto.
/// </summary>
public sealed class RedetectCommandTests
{
    [Fact]
    public async Task A_tcp_hl7_analyzer_is_identified_reported_to_the_hub_and_redetect_forgets_it()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await HubPeer.StartAsync(broker, "test-gw01", autoAck: false);
        var port = FreeTcpPort.Next();
        await using var gw = await GatewayUnderTest.StartAsync(broker, profiles: ["generic-lis2", "generic-hl7", "mindray-bs200", "mindray-bs360e"],
            configure: c => c with { Instruments = [new InstrumentConfig { Id = "bs-1", Profile = "auto", Transport = new TransportConfig { Type = "tcp-server", Host = "127.0.0.1", Port = port } }] });

        await Eventually.TrueAsync(() => gw.App.Runtime.Links().Any(l => l.InstrumentId == "bs-1" && l.State == "waiting"), "the instrument port listening");
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", port);
            await using var mllp = new MllpClient(tcp.GetStream(), TimeProvider.System);
            var ack = await mllp.SendAndReceiveAsync(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "samples", "hl7", "mindray_bs360e_oru_r01_qc_msh16.hl7")),
                TimeSpan.FromSeconds(10), CancellationToken.None);
            Assert.Contains("MSA|CA|31", Encoding.ASCII.GetString(ack), StringComparison.Ordinal);
        }

        await Eventually.TrueAsync(() => hub.Events().Any(e => e.Type == EventTypes.InstrumentDetected), "the instrument-detected event at the hub");
        var detected = Assert.Single(hub.Events(), e => e.Type == EventTypes.InstrumentDetected);
        Assert.Equal(("bs-1", "mindray-bs360e", "hl7", "MSH-3/4 'Mindray'/'BS-360E'"), (detected.InstrumentId, detected.Data["profile"], detected.Data["protocol"], detected.Data["sender"]));
        Assert.False(detected.Data.ContainsKey("baud"));
        await Eventually.TrueAsync(() => hub.Statuses().Any(s => s.Instruments.Any(i => i.InstrumentId == "bs-1" && i.Detection is { Stage: "detected", Profile: "mindray-bs360e" })),
            "a published status showing the detection");
        var store = new DetectionStore(gw.App.Runtime.Config.DataDirectory);
        Assert.Equal("mindray-bs360e", store.Get("bs-1", "tcp-server 127.0.0.1:" + port)?.Profile);

        var command = JsonSerializer.SerializeToUtf8Bytes(new CommandMessage { Name = CommandNames.Redetect, Args = new Dictionary<string, string> { ["instrumentId"] = "bs-1" } },
            WireJson.Default.CommandMessage);
        await hub.PublishAsync(Topics.Command("test-gw01"), command);
        await Eventually.TrueAsync(() => Replies(hub).Any(r => r.Name == CommandNames.Redetect), "the redetect reply");

        var reply = Assert.Single(Replies(hub), r => r.Name == CommandNames.Redetect);
        Assert.True(reply.Ok, reply.Text);
        Assert.Equal("bs-1: detection result forgotten; restarting to detect again", reply.Text);
        Assert.Null(new DetectionStore(gw.App.Runtime.Config.DataDirectory).Get("bs-1", "tcp-server 127.0.0.1:" + port));
    }

    private static List<CommandReplyMessage> Replies(HubPeer hub) =>
        hub.Messages.Where(m => m.Topic == Topics.CommandReply("test-gw01"))
            .Select(m => JsonSerializer.Deserialize(m.Payload.Span, WireJson.Default.CommandReplyMessage)!).ToList();
}
