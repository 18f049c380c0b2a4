using System.Diagnostics;
using EdgeLab.Hub.Grains;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;
using Xunit.Abstractions;

namespace EdgeLab.Hub.Tests.Grains;

/// <summary>The gateway grain's online state: told by ingest after commit, one-way, never awaited on the ack path.</summary>
public sealed class GatewayGrainTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Ingest_tells_the_gateway_grain_after_commit_without_waiting_for_it()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await TestHub.CreateAsync("sqlite");
        await using var grains = await GrainCluster.StartAsync(hub, broker);
        var specimen = (await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single();
        var outcome = await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, specimen.Id))]);
        var notifier = new IngestCommitNotifier(grains.Grains, TimeProvider.System);
        var grain = grains.Grains.GetGrain<IGatewayGrain>(TestHub.Gateway);
        Assert.Null((await grain.GetStatusAsync()).LastIngestAt);

        var before = DateTimeOffset.UtcNow;
        notifier.Committed(outcome);
        await Eventually.TrueAsync(async () => (await grain.GetStatusAsync()).LastIngestAt >= before, "gateway grain told of the commit", Timeout);

        // The writer's thread only enqueues one-way messages: what it costs per committed batch (printed, not asserted tight).
        const int Batches = 2000;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Batches; i++) notifier.Committed(outcome);
        clock.Stop();
        var perBatch = clock.Elapsed.TotalMicroseconds / Batches;
        output.WriteLine($"IngestCommitNotifier.Committed: {perBatch:F1} µs per batch (1 gateway), {Batches} batches");
        Assert.True(perBatch < 1000, $"{perBatch} µs per batch: the ack path must not wait for a grain");
    }
}
