using System.Globalization;
using Dapper;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;

namespace EdgeLab.Hub.Tests.Ingest;

/// <summary>
/// Two real <c>edgelab-hub</c> processes split the gateway's results by shared subscription; one is SIGKILLed
/// mid-stream. The test acts as the gateway: it resends whatever has not been acked end to end. Nothing may be lost
/// or doubled.
/// </summary>
public sealed class TwoHubNodesTests
{
    private const int Messages = 300;

    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_node_killed_mid_stream_loses_and_doubles_nothing(string provider)
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await TestHub.CreateAsync(provider);
        var specimens = new List<string>();
        for (var i = 0; i < 10; i++) specimens.Add((await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single().Id);

        await using var nodeA = StartNode(hub, broker, "a");
        await using var nodeB = StartNode(hub, broker, "b");
        await WaitForSubscribedAsync(nodeA);
        await WaitForSubscribedAsync(nodeB);
        await using var gateway = await GatewayPeer.ConnectAsync(TestHub.Gateway, broker);

        var all = Enumerable.Range(1, Messages).Select(i => (long)i).ToList();
        for (var seq = 1; seq <= Messages; seq++)
        {
            await gateway.PublishAsync(Support.Messages.Cbc(seq, specimens[seq % specimens.Count], wbc: seq.ToString(CultureInfo.InvariantCulture)));
            if (seq == Messages / 3)
            {
                await gateway.WaitForAcksAsync(Enumerable.Range(1, 20).Select(i => (long)i), TimeSpan.FromSeconds(20));
                nodeA.Signal(PosixSignals.SIGKILL);
            }
        }

        // The gateway's resend loop: what is not acked end to end after a while is sent again.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var missing = all.Except(gateway.Acked).ToList();
            if (missing.Count == 0) break;
            Assert.True(DateTime.UtcNow < deadline, $"{missing.Count} messages never acked; node B: {nodeB.Output}");
            try
            {
                await gateway.WaitForAcksAsync(missing, TimeSpan.FromSeconds(1));
            }
            catch (TimeoutException)
            {
                foreach (var seq in missing) await gateway.PublishAsync(Support.Messages.Cbc(seq, specimens[(int)seq % specimens.Count], wbc: seq.ToString(CultureInfo.InvariantCulture)));
            }
        }

        Assert.True(nodeA.HasExited);
        await using var c = await hub.Database.OpenAsync();
        Assert.Equal(Messages, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM processed_message"));
        // Every message carries its own WBC; HGB and PLT repeat the tube's current result exactly, so only the first of
        // each is stored (an identical retransmission is no new result, issue 10 item 3).
        Assert.Equal(Messages, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM lab_result WHERE catalog_code = 'WBC'"));
        Assert.Equal(Messages + specimens.Count * 2, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM lab_result"));
        Assert.Equal(Messages, await c.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT message_id) FROM lab_result"));
        // Per specimen and test exactly one current result, the newest one (effective time, then sequence).
        Assert.Equal(specimens.Count * 3, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM result_current"));
        Assert.Equal(specimens.Count * 3, await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM result_current rc JOIN lab_result r ON r.id = rc.result_id AND r.specimen_id = rc.specimen_id AND r.catalog_code = rc.catalog_code " +
            "WHERE NOT EXISTS (SELECT 1 FROM lab_result x WHERE x.specimen_id = rc.specimen_id AND x.catalog_code = rc.catalog_code " +
            "AND (x.effective_at > r.effective_at OR (x.effective_at = r.effective_at AND x.sequence > r.sequence)))"));
    }

    internal static ChildProcess StartNode(TestHub hub, MosquittoProcess broker, string name) =>
        EdgeLabComponents.Start(EdgeLabComponents.Hub,
            ["run", "--roles", "ingest", .. hub.StorageArguments, .. broker.HubArguments,
             "--urls", $"http://127.0.0.1:{FreeTcpPort.Next()}"], name: "hub-" + name);

    internal static async Task WaitForSubscribedAsync(ChildProcess node)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!node.Output.Contains("Ingest subscribed", StringComparison.Ordinal))
        {
            Assert.False(node.HasExited, "hub node exited: " + node.Output);
            Assert.True(DateTime.UtcNow < deadline, "hub node did not subscribe: " + node.Output);
            await Task.Delay(50);
        }
    }
}
