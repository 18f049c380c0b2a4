using System.Globalization;
using Dapper;
using EdgeLab.Bench.EndToEnd;

namespace EdgeLab.Bench.Cluster;

/// <summary>
/// Issue 11's soak: the 3-node cluster on PostgreSQL under steady load for 10 minutes (<c>--duration</c>) on a machine
/// that other work keeps busy, no fault injected. Membership is read every second and every change is printed as it
/// happens (a silo joining, suspected, declared dead); after the drain, one row per minute: the ingest latency
/// (publish → end-to-end ack) percentiles of the messages published in it, order latency (referral committed → order
/// at the gateway), webhook latency (notification created → first POST) and the load average taken in that minute. Any node declared dead is a false death — the
/// membership options (ProbeTimeout 1 s × 2 missed probes) must not evict a live node under load — and fails the run.
/// </summary>
internal static class SoakBenchmark
{
    public static async Task RunAsync(TextWriter output, ClusterBenchOptions options)
    {
        var duration = options.Duration ?? TimeSpan.FromMinutes(10);
        output.WriteLine($"command: bench/run.sh soak --duration {duration.TotalSeconds:F0} --rate {options.Rate} --gateways {options.Gateways}");
        output.WriteLine($"workload: {ClusterRig.NodeCount} edgelab-hub nodes (PostgreSQL 15, ProbeTimeout 1 s × 2 missed probes), Mosquitto, " +
                         $"{options.Gateways} gateways × {options.Rate} CBC messages/s, a referral every {ClusterLoad.RegistrationInterval.TotalMilliseconds:F0} ms per gateway; no faults");
        await using var rig = await ClusterRig.StartAsync(options.Gateways, clinics: 3);
        var load = ClusterLoad.Start(rig, options.Rate);
        var start = rig.Clock.ElapsedMilliseconds;
        var seen = new Dictionary<string, (int Status, string? Suspects)>();
        var falseDeaths = new List<string>();
        var nextMinute = start + 60_000;
        var loads = new List<string>();
        while (rig.Clock.ElapsedMilliseconds - start < duration.TotalMilliseconds)
        {
            foreach (var row in await rig.MembershipAsync())
            {
                if (seen.TryGetValue(row.Silo, out var was) && was.Status == row.Status && was.Suspects == row.SuspectTimes) continue;
                seen[row.Silo] = (row.Status, row.SuspectTimes);
                var at = (rig.Clock.ElapsedMilliseconds - start) / 1000.0;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  membership at {at:F1} s: {row.SiloName} {row.Silo} status {StatusName(row.Status)}{(row.SuspectTimes is { Length: > 0 } s ? $", suspected by: {s}" : "")}"));
                if (row.Status == MembershipRow.Dead) falseDeaths.Add(row.Silo);
            }
            if (rig.Clock.ElapsedMilliseconds >= nextMinute)
            {
                loads.Add(ChaosBenchmark.LoadAverage());
                output.WriteLine($"  minute {loads.Count} done, load average {loads[^1]}");
                nextMinute += 60_000;
            }
            await Task.Delay(1000);
        }
        if (loads.Count * 60_000L < rig.Clock.ElapsedMilliseconds - start) loads.Add(ChaosBenchmark.LoadAverage()); // the last, partial minute
        var drain = await load.StopAndDrainAsync(TimeSpan.FromSeconds(150), output);
        rig.PrintNodeWarnings(output);
        output.WriteLine(" min | ingest p50 / p99 / max (ms)   | messages | orders p50 / p99 (ms) | webhooks p50 / p99 (ms) | load");
        for (var m = 0; m < loads.Count; m++) await PrintMinuteAsync(rig, m + 1, start + m * 60_000L, Math.Min(start + (m + 1) * 60_000L, start + (long)duration.TotalMilliseconds), loads[m], output);
        output.WriteLine($"verdict: {falseDeaths.Count} false deaths (nodes declared dead, none was killed), lost {drain.Lost}, doubled {drain.Doubled} — " +
                         $"{(falseDeaths.Count == 0 && drain.Clean ? "PASS" : "FAIL")}");
        if (falseDeaths.Count > 0 || !drain.Clean) throw new InvalidOperationException($"soak failed: false deaths {string.Join(", ", falseDeaths)}; {drain}");
    }

    private static async Task PrintMinuteAsync(ClusterRig rig, int minute, long from, long to, string load, TextWriter output)
    {
        var ingest = new Percentiles(rig.Gateways.SelectMany(g => g.Published.Where(p => p.Value >= from && p.Value < to && g.Acked.ContainsKey(p.Key))
            .Select(p => (double)(g.Acked[p.Key] - p.Value))));
        var orders = new Percentiles(rig.Gateways.SelectMany(g => g.Orders)
            .Where(o => o.Action == "upsert" && rig.Registered.TryGetValue(o.Specimen, out var r) && r >= from && r < to)
            .Select(o => (double)(o.At - rig.Registered[o.Specimen])));
        await using var db = await rig.Database.OpenAsync();
        var created = (await db.QueryAsync<(long Id, long CreatedAt)>("SELECT id, created_at FROM critical_notification WHERE created_at >= @a AND created_at < @b",
            new { a = rig.UnixMsAt(from), b = rig.UnixMsAt(to) })).ToList();
        var webhooks = new Percentiles(created
            .Where(n => rig.Webhooks.Received.ContainsKey($"critical-value-{n.Id}"))
            .Select(n => (double)(rig.Webhooks.Received[$"critical-value-{n.Id}"].FirstAt - rig.ClockMsAt(n.CreatedAt))));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $" {minute,3} | {ingest.At(0.5),6:F0} / {ingest.At(0.99),6:F0} / {ingest.Max,6:F0}       | {ingest.Count,8} | {orders.At(0.5),8:F0} / {orders.At(0.99),6:F0}    | {webhooks.At(0.5),8:F0} / {webhooks.At(0.99),6:F0}      | {load}"));
    }

    private static string StatusName(int status) => status switch
    {
        1 => "created",
        2 => "joining",
        3 => "active",
        4 => "shutting down",
        5 => "stopping",
        6 => "DEAD",
        _ => status.ToString(CultureInfo.InvariantCulture),
    };
}
