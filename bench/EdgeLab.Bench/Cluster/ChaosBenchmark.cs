using System.Globalization;
using Dapper;
using EdgeLab.Bench.EndToEnd;
using EdgeLab.LocalServices;

namespace EdgeLab.Bench.Cluster;

/// <summary>
/// Issue 11's chaos run: a 3-node hub cluster on PostgreSQL under steady load, then ≥ 20 faults of seeded random nodes
/// (SIGKILL + restart, SIGSTOP/SIGCONT pauses). Per fault it prints: ingest resumed (the fault → the next commit by any
/// node, from <c>processed_message.processed_at</c>; target ≤ 100 ms, since the others keep acking), grain work moved
/// (the fault → the first order, registered after the fault, reaching a gateway whose order stream the victim held,
/// i.e. that gateway's grain running elsewhere; and → the first webhook of each clinic for a notification created after
/// the fault, the slowest clinic; target ≤ 2 s), declared dead and rejoined. The peer is the same run before any fault:
/// the same figures at marks 3 s apart, so each figure reads as a ratio to what the cluster does anyway (a sweep every
/// 1 s, a referral every 300 ms per gateway). Then 0 lost, 0 doubled counted against what the gateways published.
/// </summary>
internal static class ChaosBenchmark
{
    private static readonly TimeSpan PeerMarkInterval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan TakeoverWindow = TimeSpan.FromSeconds(2.5);

    private enum Fault { Mark, Kill, Pause }

    private sealed record FaultEvent(int Index, Fault Kind, int Node, long At, IReadOnlyList<string> Streams, string Detail)
    {
        public long? DeclaredDead { get; set; }
        public long? Rejoined { get; set; }
    }

    public static async Task RunAsync(TextWriter output, ClusterBenchOptions options)
    {
        var duration = options.Duration ?? TimeSpan.FromSeconds(12 * options.Kills);
        output.WriteLine($"command: bench/run.sh chaos --kills {options.Kills} --duration {duration.TotalSeconds:F0} --seed {options.Seed} --rate {options.Rate} --gateways {options.Gateways}");
        output.WriteLine($"workload: {ClusterRig.NodeCount} edgelab-hub nodes (PostgreSQL 15, ADO.NET clustering, ProbeTimeout 1 s × 2 missed probes), Mosquitto, " +
                         $"{options.Gateways} gateways × {options.Rate} CBC messages/s (every {LoadGateway.CriticalEvery}th critical → webhook), " +
                         $"a referral every {ClusterLoad.RegistrationInterval.TotalMilliseconds:F0} ms per gateway (→ its order stream)");
        var random = new Random(options.Seed);
        await using var rig = await ClusterRig.StartAsync(options.Gateways, clinics: 3);
        var load = ClusterLoad.Start(rig, options.Rate);
        await Task.Delay(TimeSpan.FromSeconds(10)); // the grains activate, JIT warms, streams are claimed
        var events = new List<FaultEvent>();

        // Peer phase: the same marks with no fault.
        for (var m = 1; m <= options.Kills; m++)
        {
            var node = random.Next(ClusterRig.NodeCount);
            events.Add(new FaultEvent(m, Fault.Mark, node, rig.Clock.ElapsedMilliseconds, await rig.StreamsHeldByAsync(node), ""));
            await Task.Delay(PeerMarkInterval);
        }
        output.WriteLine($"peer phase: {options.Kills} marks, {PeerMarkInterval.TotalSeconds:F0} s apart, no fault; load average {LoadAverage()}");

        var chaosStart = rig.Clock.Elapsed;
        var slot = duration / options.Kills;
        for (var k = 1; k <= options.Kills; k++)
        {
            var wait = chaosStart + slot * k - slot - rig.Clock.Elapsed;
            await Task.Delay(wait > TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1));
            var victim = random.Next(ClusterRig.NodeCount);
            var streams = await rig.StreamsHeldByAsync(victim);
            var deadBefore = (await rig.MembershipAsync()).Count(r => r.Status == MembershipRow.Dead);
            if (random.Next(3) < 2)
            {
                var fault = new FaultEvent(k, Fault.Kill, victim, rig.Clock.ElapsedMilliseconds, streams, "SIGKILL");
                events.Add(fault);
                await rig.KillAsync(victim);
                while (rig.Clock.ElapsedMilliseconds - fault.At < 15_000)
                {
                    if ((await rig.MembershipAsync()).Count(r => r.Status == MembershipRow.Dead) > deadBefore)
                    {
                        fault.DeclaredDead = rig.Clock.ElapsedMilliseconds - fault.At;
                        break;
                    }
                    await Task.Delay(20);
                }
                // Let the takeover happen on the two survivors before the restart competes for the two cores.
                var restartAt = fault.At + (long)TakeoverWindow.TotalMilliseconds + (fault.DeclaredDead ?? 0);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(0, restartAt - rig.Clock.ElapsedMilliseconds)));
                rig.StartNode(victim);
                await rig.WaitSubscribedAsync(victim, TimeSpan.FromSeconds(60));
                while ((await rig.MembershipAsync()).Count(r => r.Status == MembershipRow.Active) < ClusterRig.NodeCount && rig.Clock.ElapsedMilliseconds - fault.At < 60_000)
                    await Task.Delay(50);
                fault.Rejoined = rig.Clock.ElapsedMilliseconds - fault.At;
            }
            else
            {
                var pause = TimeSpan.FromMilliseconds(500 + random.Next(2500));
                var fault = new FaultEvent(k, Fault.Pause, victim, rig.Clock.ElapsedMilliseconds, streams, $"SIGSTOP {pause.TotalSeconds:F1} s");
                events.Add(fault);
                rig.Node(victim).Signal(PosixSignals.SIGSTOP);
                await Task.Delay(pause);
                rig.Node(victim).Signal(PosixSignals.SIGCONT);
                await Task.Delay(TakeoverWindow);
                if ((await rig.MembershipAsync()).Count(r => r.Status == MembershipRow.Dead) > deadBefore)
                    fault.DeclaredDead = -1; // a false death: printed, and fails the run
            }
        }
        output.WriteLine($"chaos phase: {options.Kills} faults in {(rig.Clock.Elapsed - chaosStart).TotalSeconds:F0} s; load average {LoadAverage()}");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var drain = await load.StopAndDrainAsync(TimeSpan.FromSeconds(150), output);
        await ReportAsync(rig, events, output);
        rig.PrintNodeWarnings(output);
        var falseDeaths = events.Count(e => e.DeclaredDead == -1);
        output.WriteLine($"verdict: lost {drain.Lost}, doubled {drain.Doubled}, orders missing {drain.OrdersMissing}, webhooks undelivered {drain.Undelivered}, " +
                         $"paused nodes declared dead {falseDeaths} — {(drain.Clean && falseDeaths == 0 ? "PASS" : "FAIL")}");
        if (!drain.Clean || falseDeaths > 0) throw new InvalidOperationException("the chaos run lost, doubled or left undelivered work (see above)");
    }

    private static async Task ReportAsync(ClusterRig rig, List<FaultEvent> events, TextWriter output)
    {
        await using var db = await rig.Database.OpenAsync();
        var commits = (await db.QueryAsync<long>("SELECT processed_at FROM processed_message ORDER BY processed_at")).Select(rig.ClockMsAt).ToArray();
        var notifications = (await db.QueryAsync<(long Id, string Org, long CreatedAt)>("SELECT id, org_id, created_at FROM critical_notification"))
            .ToDictionary(n => $"critical-value-{n.Id}", n => (n.Org, Created: rig.ClockMsAt(n.CreatedAt)));
        var posts = rig.Webhooks.Received
            .Where(p => notifications.ContainsKey(p.Key))
            .Select(p => (notifications[p.Key].Org, notifications[p.Key].Created, p.Value.FirstAt)).ToList();
        var orders = rig.Gateways.ToDictionary(g => g.Id, g => g.Orders.Where(o => o.Action == "upsert" && rig.Registered.ContainsKey(o.Specimen))
            .Select(o => (Registered: rig.Registered[o.Specimen], o.At)).ToList());

        long? IngestResumed(FaultEvent e) => commits.FirstOrDefault(c => c > e.At, -1) is var c and >= 0 ? c - e.At : null;
        long? OrdersMoved(FaultEvent e) => e.Streams.Count == 0
            ? null
            : e.Streams.Max(g => orders[g].Where(o => o.Registered > e.At).Select(o => o.At - e.At).DefaultIfEmpty(long.MaxValue).Min());
        long? WebhooksMoved(FaultEvent e) => rig.Clinics.Max(org =>
            posts.Where(p => p.Org == org && p.Created > e.At).Select(p => p.FirstAt - e.At).DefaultIfEmpty(long.MaxValue).Min());

        output.WriteLine();
        output.WriteLine(" #  | fault          | node | streams held | declared dead | ingest resumed | orders moved | webhooks moved | rejoined");
        output.WriteLine("----+----------------+------+--------------+---------------+----------------+--------------+----------------+---------");
        var rows = events.Select(e => (Event: e, Ingest: IngestResumed(e), Orders: OrdersMoved(e), Webhooks: WebhooksMoved(e))).ToList();
        foreach (var r in rows.Where(r => r.Event.Kind != Fault.Mark))
        {
            var e = r.Event;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $" {e.Index,2} | {e.Detail,-14} | n{e.Node,-3} | {e.Streams.Count,12} | {Ms(e.DeclaredDead),13} | {Ms(r.Ingest),14} | {Ms(r.Orders),12} | {Ms(r.Webhooks),14} | {Ms(e.Rejoined),7}"));
        }
        output.WriteLine();
        void Line(string what, Func<(FaultEvent Event, long? Ingest, long? Orders, long? Webhooks), long?> pick)
        {
            Percentiles Of(Func<FaultEvent, bool> which) => new(rows.Where(r => which(r.Event)).Select(pick).Where(v => v is not null).Select(v => (double)v!.Value));
            var peer = Of(e => e.Kind == Fault.Mark);
            var kills = Of(e => e.Kind == Fault.Kill);
            var pauses = Of(e => e.Kind == Fault.Pause);
            output.WriteLine($"{what,-16} SIGKILL {kills}; SIGSTOP {pauses}; peer (no fault) {peer}; SIGKILL/peer p50 {kills.At(0.5) / peer.At(0.5):F1}×, p99 {kills.At(0.99) / peer.At(0.99):F1}×");
        }
        Line("ingest resumed", r => r.Ingest);
        Line("orders moved", r => r.Orders);
        Line("webhooks moved", r => r.Webhooks);
        var dead = new Percentiles(events.Where(e => e.Kind == Fault.Kill && e.DeclaredDead is > 0).Select(e => (double)e.DeclaredDead!.Value));
        output.WriteLine($"declared dead    SIGKILL {dead}");
        var kills = rows.Where(r => r.Event.Kind == Fault.Kill).ToList();
        output.WriteLine($"targets: ingest resumes ≤ 100 ms after a SIGKILL ({Met(kills.All(r => r.Ingest is <= 100))}); " +
                         $"grain work (orders, webhooks) on another node ≤ 2 s ({Met(kills.All(r => r.Orders is null or <= 2000 && r.Webhooks is <= 2000))})");
    }

    private static string Met(bool met) => met ? "met" : "NOT met";

    private static string Ms(long? ms) => ms switch
    {
        null => "-",
        -1 => "FALSE DEATH",
        long.MaxValue => "never",
        _ => ms.Value.ToString("N0", CultureInfo.InvariantCulture) + " ms",
    };

    internal static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
