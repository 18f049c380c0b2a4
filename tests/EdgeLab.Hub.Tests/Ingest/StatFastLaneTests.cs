using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Hub.Tests.Ingest;

/// <summary>
/// STAT results take the ingest fast lane (issue 10): queued behind a routine backlog, a STAT result is committed in
/// the first batch, on its own. Real database (SQLite file and PostgreSQL); acks go to a real Mosquitto.
/// </summary>
public sealed class StatFastLaneTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_stat_result_queued_behind_a_routine_backlog_is_stored_first(string provider)
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await TestHub.CreateAsync(provider);
        await using var connection = new HubMqttConnection(new HubMqttOptions { Host = broker.Host, Port = broker.Port, UserName = broker.HubCredentials.UserName, PasswordFile = broker.HubPasswordFile }, NullLogger<HubMqttConnection>.Instance, NullLoggerFactory.Instance, TimeProvider.System);
        using var dir = new ScratchDirectory("stat-lane");
        var trace = dir.File("ingest-trace.jsonl");
        var pipeline = new IngestPipeline(connection, hub.Writer, new IngestOptions { MaxBatchMessages = 64, TraceFile = trace }, TimeProvider.System, NullLogger<IngestPipeline>.Instance);

        // The backlog arrives before the writer runs (a hub restarting under a draining fleet), then one STAT result.
        for (var seq = 1; seq <= 300; seq++) await pipeline.EnqueueAsync(Received(Messages.Cbc(seq, $"R{seq:D4}")));
        var stat = Messages.Cbc(301, "STAT-1") with { Priority = "stat" };
        await pipeline.EnqueueAsync(Received(stat));

        await pipeline.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(() => pipeline.StoredMessages == 301, "all 301 messages stored", TimeSpan.FromSeconds(60));
        }
        finally
        {
            await pipeline.StopAsync(CancellationToken.None);
        }

        var stored = File.ReadAllLines(trace).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("messageId").GetString()).ToList();
        Assert.Equal(301, stored.Count);
        Assert.Equal(stat.MessageId, stored[0]);
    }

    private static MqttReceivedMessage Received(ResultMessage m) => new()
    {
        Topic = Topics.Results(m.GatewayId),
        Payload = JsonSerializer.SerializeToUtf8Bytes(m, WireJson.Default.ResultMessage),
        QualityOfService = MqttQualityOfService.AtLeastOnce,
        UserProperties = [new MqttUserProperty(MessageId.UserPropertyName, m.MessageId)],
    };
}
