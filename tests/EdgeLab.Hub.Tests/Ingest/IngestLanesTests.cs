using EdgeLab.Contract;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Linking;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.Testing;

namespace EdgeLab.Hub.Tests.Ingest;

/// <summary>
/// Issue 10: the lane a message takes, and the per-key rule that keeps DESIGN.md guarantee 3 across the STAT and the
/// routine lane; and the routine batch size while STAT traffic is about where writers take turns. Pure, no I/O.
/// </summary>
public sealed class IngestLanesTests
{
    private static IngestEnvelope Envelope(ResultMessage m, string topic) =>
        PayloadTriage.Triage(topic, Messages.Json(m), m.MessageId, Messages.At)!;

    private static ResultMessage Stat(ResultMessage m) => m with { Priority = "stat" };

    [Fact]
    public void The_stat_topic_is_the_one_two_level_leaf_and_triages_as_a_result()
    {
        Assert.True(Topics.TryParse(Topics.StatResults(TestHub.Gateway), out var gateway, out var leaf));
        Assert.Equal((TestHub.Gateway, "results/stat"), (gateway, leaf));
        Assert.False(Topics.TryParse($"{Topics.Root}/{TestHub.Gateway}/results/other", out _, out _));
        Assert.False(Topics.TryParse($"{Topics.Root}/{TestHub.Gateway}/events/stat", out _, out _));
        var e = Envelope(Stat(Messages.Cbc(1, "S1")), Topics.StatResults(TestHub.Gateway));
        Assert.Equal(EnvelopeKind.Result, e.Kind);
        Assert.Equal("S1", e.Result!.SpecimenId);
        // A gateway cannot post another's STAT: the topic's gateway must be the payload's, as on …/results.
        var foreign = Envelope(Stat(Messages.Cbc(2, "S2")), Topics.StatResults("lab-2-gw01"));
        Assert.Equal(EnvelopeKind.Quarantine, foreign.Kind);
    }

    [Fact]
    public void Stat_goes_by_its_topic_or_by_its_priority_on_the_old_topic_and_everything_else_is_routine()
    {
        Assert.Equal(IngestLane.Stat, IngestLanes.Requested(Envelope(Stat(Messages.Cbc(1, "S1")), Topics.StatResults(TestHub.Gateway))));
        // A gateway from before …/results/stat marks it only by priority.
        Assert.Equal(IngestLane.Stat, IngestLanes.Requested(Envelope(Stat(Messages.Cbc(2, "S2")), Topics.Results(TestHub.Gateway))));
        Assert.Equal(IngestLane.Routine, IngestLanes.Requested(Envelope(Messages.Cbc(3, "R3"), Topics.Results(TestHub.Gateway))));
    }

    [Fact]
    public async Task A_stat_correction_queues_behind_its_routine_original_and_a_routine_correction_behind_its_stat_original()
    {
        var lanes = new IngestLanes(64, new FakeTimeProvider());
        var original = Envelope(Messages.Cbc(1, "SPEC-1", hgb: "13.5"), Topics.Results(TestHub.Gateway));
        Assert.Equal(IngestLane.Routine, await lanes.EnqueueAsync(original));
        // The original is not committed yet: its STAT correction must not overtake it in the other lane.
        Assert.Equal(IngestLane.Routine, await lanes.EnqueueAsync(Envelope(Stat(Messages.Cbc(2, "SPEC-1", hgb: "14.0")), Topics.StatResults(TestHub.Gateway))));
        // Another specimen's STAT is not held.
        Assert.Equal(IngestLane.Stat, await lanes.EnqueueAsync(Envelope(Stat(Messages.Cbc(3, "SPEC-2")), Topics.StatResults(TestHub.Gateway))));
        // A routine correction of a STAT result still queued rides the STAT lane behind it.
        Assert.Equal(IngestLane.Stat, await lanes.EnqueueAsync(Envelope(Messages.Cbc(4, "SPEC-2", hgb: "9.9"), Topics.Results(TestHub.Gateway))));
        Assert.Equal(2, lanes.Queued(IngestLane.Routine));
        Assert.Equal(2, lanes.Queued(IngestLane.Stat));

        // Once the writers are done with them, a key goes by its own priority again.
        var routine = Drain(lanes, IngestLane.Routine);
        var stat = Drain(lanes, IngestLane.Stat);
        Assert.Equal([1L, 2L], routine.Select(e => e.MessageId!.Value.Sequence));
        Assert.Equal([3L, 4L], stat.Select(e => e.MessageId!.Value.Sequence));
        lanes.Done(routine);
        lanes.Done(stat);
        Assert.Equal(0, lanes.PendingKeys);
        Assert.Equal(IngestLane.Stat, await lanes.EnqueueAsync(Envelope(Stat(Messages.Cbc(5, "SPEC-1", hgb: "14.1")), Topics.StatResults(TestHub.Gateway))));
    }

    [Fact]
    public async Task Stat_traffic_is_remembered_for_the_window_only()
    {
        var time = new FakeTimeProvider();
        var lanes = new IngestLanes(64, time);
        Assert.False(lanes.StatSeenWithin(TimeSpan.FromSeconds(30)));
        await lanes.EnqueueAsync(Envelope(Stat(Messages.Cbc(1, "S1")), Topics.StatResults(TestHub.Gateway)));
        Assert.True(lanes.StatSeenWithin(TimeSpan.FromSeconds(30)));
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.False(lanes.StatSeenWithin(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Routine_batches_are_cut_to_the_time_budget_only_while_stat_may_wait_for_the_write_turn()
    {
        var sizer = new RoutineBatchSizer(new IngestOptions { MaxBatchMessages = 512, RoutineBatchBudget = TimeSpan.FromMilliseconds(15) });
        Assert.Equal(512, sizer.Next(cutForStat: false));
        Assert.Equal(64, sizer.Next(cutForStat: true)); // nothing measured yet: a modest batch that measures
        // 512 messages in 160 ms (what held a STAT on SQLite): ~0.31 ms each, so 15 ms fits 48.
        sizer.Observe(512, TimeSpan.FromMilliseconds(160));
        Assert.Equal(48, sizer.Next(cutForStat: true));
        Assert.Equal(512, sizer.Next(cutForStat: false));
        // A very slow disk never cuts below the floor where the fixed cost per batch would dominate.
        sizer.Observe(64, TimeSpan.FromSeconds(5));
        Assert.Equal(RoutineBatchSizer.MinCutBatch, sizer.Next(cutForStat: true));
    }

    private static List<IngestEnvelope> Drain(IngestLanes lanes, IngestLane lane)
    {
        var list = new List<IngestEnvelope>();
        while (lanes.Reader(lane).TryRead(out var e)) list.Add(e);
        return list;
    }
}
