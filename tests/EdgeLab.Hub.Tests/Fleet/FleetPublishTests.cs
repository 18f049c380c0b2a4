using System.Collections.Concurrent;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Fleet;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Store.Fleet;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Hub.Tests.Fleet;

/// <summary>
/// The hub publishes (issue 12 §2, §5): the gateway grain puts the latest desired version retained on <c>…/config</c>,
/// so a gateway that was offline while the version changed twice gets only the latest when it connects; a command goes
/// out with correlation data and comes back through the hub's shared subscription to its ledger row. Real Mosquitto,
/// a real silo; the test plays the gateway on the wire.
/// </summary>
public sealed class FleetPublishTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_gateway_offline_while_the_version_changed_twice_gets_the_latest_retained_and_a_command_round_trips()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await TestHub.CreateAsync("sqlite");
        await using var grains = await GrainCluster.StartAsync(hub, broker);
        var configs = new FleetConfigStore(hub.Database, TimeProvider.System);

        // Two changes while the gateway is away; the sweep publishes each (no gateway is connected).
        await configs.SetLayerAsync(new ConfigScope(ConfigScopeKind.Lab, TestHub.Lab), """{"management":{"heartbeatSeconds":40}}""", "it-admin");
        await Eventually.TrueAsync(async () => (await configs.GetStateAsync(TestHub.Gateway))!.PublishedVersion == 1, "version 1 published", Timeout);
        await configs.SetLayerAsync(ConfigScope.Gateway(TestHub.Gateway), """{"management":{"heartbeatSeconds":45}}""", "it-admin");
        await Eventually.TrueAsync(async () => (await configs.GetStateAsync(TestHub.Gateway))!.PublishedVersion == 2, "version 2 published", Timeout);

        // The hub's reply side as an ingesting node has it.
        var commands = new GatewayCommandStore(hub.Database, TimeProvider.System);
        await using var hubSide = new HubMqttConnection(new HubMqttOptions
        {
            Host = broker.Host,
            Port = broker.Port,
            UserName = broker.HubCredentials.UserName,
            PasswordFile = broker.HubPasswordFile,
        }, NullLogger<HubMqttConnection>.Instance, NullLoggerFactory.Instance, TimeProvider.System);
        hubSide.CommandReplyHandler = new CommandReplyReceiver(commands, NullLogger<CommandReplyReceiver>.Instance).HandleAsync;
        await hubSide.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => hubSide.Subscriptions > 0, "hub subscribed", Timeout);

        // The gateway comes back.
        var received = new ConcurrentQueue<MqttReceivedMessage>();
        var credentials = await broker.AddUserAsync(TestHub.Gateway);
        await using var gateway = new MqttClient(new MqttClientOptions
        {
            Host = broker.Host,
            Port = broker.Port,
            ClientId = TestHub.Gateway,
            UserName = credentials.UserName,
            Password = System.Text.Encoding.UTF8.GetBytes(credentials.Password),
            OnMessage = m =>
            {
                received.Enqueue(m);
                return ValueTask.CompletedTask;
            },
        });
        await gateway.ConnectAsync();
        await gateway.SubscribeAsync([new MqttSubscription { TopicFilter = Topics.Config(TestHub.Gateway) }, new MqttSubscription { TopicFilter = Topics.Command(TestHub.Gateway) }]);
        await Eventually.TrueAsync(() => !received.IsEmpty, "the retained configuration", Timeout);
        var config = Assert.Single(received, m => m.Topic == Topics.Config(TestHub.Gateway));
        Assert.True(config.Retain);
        var message = JsonSerializer.Deserialize(config.Payload.Span, WireJson.Default.ConfigMessage)!;
        Assert.Equal(2, message.Version);
        Assert.Equal(45, message.Document.GetProperty("management").GetProperty("heartbeatSeconds").GetInt32());
        Assert.Equal(TestHub.Gateway, message.Document.GetProperty("gatewayId").GetString());

        // A command: the gateway answers on the response topic with the correlation data it got.
        var ping = await commands.RequestAsync(TestHub.Gateway, CommandNames.Ping, new Dictionary<string, string>(), TimeSpan.FromSeconds(20), "it-admin");
        await Eventually.TrueAsync(() => received.Any(m => m.Topic == Topics.Command(TestHub.Gateway)), "the command", Timeout);
        var cmd = received.Single(m => m.Topic == Topics.Command(TestHub.Gateway));
        Assert.Equal(Topics.CommandReply(TestHub.Gateway), cmd.ResponseTopic);
        Assert.Equal(ping.Id, System.Text.Encoding.ASCII.GetString(cmd.CorrelationData!.Value.Span));
        Assert.Equal(CommandNames.Ping, JsonSerializer.Deserialize(cmd.Payload.Span, WireJson.Default.CommandMessage)!.Name);
        // Marked sent after the broker's PUBACK, which may come after the gateway already has it.
        await Eventually.TrueAsync(async () => (await commands.GetAsync(ping.Id))!.State == CommandState.Sent, "the command marked sent", Timeout);
        await gateway.PublishAsync(new MqttApplicationMessage
        {
            Topic = cmd.ResponseTopic!,
            CorrelationData = cmd.CorrelationData,
            Payload = JsonSerializer.SerializeToUtf8Bytes(new CommandReplyMessage { GatewayId = TestHub.Gateway, Name = CommandNames.Ping, Ok = true, Text = "pong" }, WireJson.Default.CommandReplyMessage),
        });
        await Eventually.TrueAsync(async () => (await commands.GetAsync(ping.Id))!.State == CommandState.Ok, "the reply recorded", Timeout);
        Assert.Equal("pong", (await commands.GetAsync(ping.Id))!.ReplyText);
        await hubSide.StopAsync(CancellationToken.None);
    }
}
