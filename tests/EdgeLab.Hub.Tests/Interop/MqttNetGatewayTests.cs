using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeLab.Hub.Tests.Interop;

/// <summary>
/// An independent MQTT 5 client (MQTTnet 5.2) as a stand-in gateway on a real Mosquitto with the broker's password
/// auth and ACL: its publishes are ingested by the real hub pipeline and acked end to end, and the acks it reads parse
/// with the wire contract (common/EdgeLab.Contract). Our own client is not on either side of the uplink.
/// </summary>
public sealed class MqttNetGatewayTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task MqttNet_gateway_results_are_ingested_and_acked_end_to_end(string provider)
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await TestHub.CreateAsync(provider);
        await using var connection = new HubMqttConnection(new HubMqttOptions { Host = broker.Host, Port = broker.Port, UserName = broker.HubCredentials.UserName, PasswordFile = broker.HubPasswordFile }, NullLogger<HubMqttConnection>.Instance, NullLoggerFactory.Instance, TimeProvider.System);
        var pipeline = new IngestPipeline(connection, hub.Writer, new IngestOptions(), TimeProvider.System, NullLogger<IngestPipeline>.Instance);
        await connection.StartAsync(CancellationToken.None);
        await pipeline.StartAsync(CancellationToken.None);
        var registered = await hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        var specimen = registered.Specimens.Single().Id;

        var credentials = await broker.AddUserAsync(TestHub.Gateway);
        var factory = new MqttClientFactory();
        using var gateway = factory.CreateMqttClient();
        var acks = new ConcurrentQueue<AckMessage>();
        gateway.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == Topics.Ack(TestHub.Gateway))
                acks.Enqueue(JsonSerializer.Deserialize(e.ApplicationMessage.Payload.ToArray(), WireJson.Default.AckMessage)!);
            return Task.CompletedTask;
        };
        await gateway.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(TestHub.Gateway + "-mqttnet")
            .WithCredentials(credentials.UserName, credentials.Password)
            .Build());
        await gateway.SubscribeAsync(factory.CreateSubscribeOptionsBuilder().WithTopicFilter(Topics.Ack(TestHub.Gateway), MqttQualityOfServiceLevel.AtLeastOnce).Build());

        // Two results for the registered tube (one repeated, as after a lost ack) and one for an unknown tube.
        foreach (var message in new[] { Messages.Cbc(1, specimen), Messages.Cbc(1, specimen), Messages.Cbc(2, "99999") })
        {
            var result = await gateway.PublishAsync(Uplink(Topics.Results(TestHub.Gateway), Messages.Json(message), message.MessageId));
            Assert.True(result.IsSuccess, result.ReasonCode.ToString());
        }
        // The broker's ACL confines the gateway to its own subtree: another gateway's topic is refused (PUBACK 0x87).
        var foreign = await gateway.PublishAsync(Uplink(Topics.Results("lab-9-gw01"), Messages.Json(Messages.Cbc(3, specimen, gateway: "lab-9-gw01")), null));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, foreign.ReasonCode);
        // Retained status, as a gateway announces itself (its Will says offline).
        var status = new MqttApplicationMessageBuilder().WithTopic(Topics.Status(TestHub.Gateway))
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(new StatusMessage { GatewayId = TestHub.Gateway, Online = true, At = Messages.At, OutboxDepth = 0 }, WireJson.Default.StatusMessage))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag().Build();
        Assert.True((await gateway.PublishAsync(status)).IsSuccess);

        await Eventually.TrueAsync(() => new[] { 1L, 2L }.All(s => acks.Any(a => a.Sequences.Contains(s))), "results 1 and 2 acked end to end", Timeout);
        Assert.All(acks, a => { Assert.Equal(TestHub.Gateway, a.GatewayId); Assert.Equal(Messages.Epoch, a.Epoch); });
        var rows = await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { PatientId = registered.Patient.Id });
        Assert.Equal(3, rows.Items.Count);
        Assert.Equal(3, (await hub.Store.ListUnmatchedAsync(AccessScope.Region, new UnmatchedQuery())).Items.Count);
        await Eventually.TrueAsync(async () => (await hub.Store.GetGatewayAsync(TestHub.Gateway))!.Online == true, "gateway shown online", Timeout);

        await gateway.DisconnectAsync();
        await pipeline.StopAsync(CancellationToken.None);
        await connection.StopAsync(CancellationToken.None);
    }

    private static MqttApplicationMessage Uplink(string topic, byte[] payload, string? messageId)
    {
        var builder = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        // The message id travels in a user property as well as in the payload (common/EdgeLab.Contract/MessageId.cs).
        if (messageId is not null) builder = builder.WithUserProperty(MessageId.UserPropertyName, System.Text.Encoding.UTF8.GetBytes(messageId).AsMemory());
        return builder.Build();
    }
}
