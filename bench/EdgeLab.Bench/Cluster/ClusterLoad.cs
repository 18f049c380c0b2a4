using Dapper;

namespace EdgeLab.Bench.Cluster;

/// <summary>
/// The steady load on a <see cref="ClusterRig"/>: every gateway publishing at its rate, a referral registered every
/// <see cref="RegistrationInterval"/> per gateway (its order goes out through that gateway's grain), and at the end
/// the drain — gateways resend until everything is acked end to end, every order and webhook has arrived — and the
/// count of what was stored against what the gateways published.
/// </summary>
internal sealed class ClusterLoad
{
    public static readonly TimeSpan RegistrationInterval = TimeSpan.FromMilliseconds(300);

    private readonly ClusterRig _rig;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private long _registrationFailures;

    private ClusterLoad(ClusterRig rig) => _rig = rig;

    public static ClusterLoad Start(ClusterRig rig, double perSecond)
    {
        var load = new ClusterLoad(rig);
        foreach (var gateway in rig.Gateways) load._tasks.Add(Task.Run(() => gateway.RunAsync(perSecond, load._stop.Token)));
        load._tasks.Add(Task.Run(load.RegisterAsync));
        return load;
    }

    private async Task RegisterAsync()
    {
        var gateways = _rig.Gateways.Count;
        using var timer = new PeriodicTimer(RegistrationInterval / gateways);
        try
        {
            for (var i = 0; await timer.WaitForNextTickAsync(_stop.Token); i++)
            {
                try
                {
                    await _rig.RegisterAsync(i % gateways);
                }
                catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
                {
                    Interlocked.Increment(ref _registrationFailures);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Stops publishing and registering, then waits (≤ <paramref name="timeout"/>) until all is delivered.</summary>
    public async Task<DrainReport> StopAndDrainAsync(TimeSpan timeout, TextWriter output)
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_tasks);
        var deadline = _rig.Clock.Elapsed + timeout;
        while (true)
        {
            var done = true;
            foreach (var gateway in _rig.Gateways) done &= await gateway.ResendOverdueAsync();
            if (done || _rig.Clock.Elapsed > deadline) break;
            await Task.Delay(250);
        }
        await using var db = await _rig.Database.OpenAsync();
        Task<long> UndeliveredAsync() => db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM critical_notification WHERE delivered_at IS NULL");
        while ((await UndeliveredAsync() > 0 || OrdersMissing().Count > 0) && _rig.Clock.Elapsed < deadline) await Task.Delay(250);

        // Counted against what the gateways published: every sequence stored exactly once (three results, linked),
        // none stored that was not published.
        var stored = (await db.QueryAsync<(string Gateway, long Sequence, long Rows)>(
            "SELECT gateway_id, sequence, COUNT(*) FROM (SELECT gateway_id, sequence FROM lab_result UNION ALL SELECT gateway_id, sequence FROM unmatched_result) r " +
            "GROUP BY gateway_id, sequence")).ToLookup(r => r.Gateway);
        long published = 0, unacked = 0, lost = 0, doubled = 0, resends = 0;
        foreach (var gateway in _rig.Gateways)
        {
            var rows = stored[gateway.Id].ToDictionary(r => r.Sequence, r => r.Rows);
            published += gateway.Published.Count;
            resends += gateway.Resends;
            unacked += gateway.Published.Keys.Count(s => !gateway.Acked.ContainsKey(s));
            lost += gateway.Published.Keys.Count(s => !rows.ContainsKey(s));
            doubled += rows.Count(r => r.Value != 3) + rows.Keys.Count(s => !gateway.Published.ContainsKey(s));
        }
        var unmatched = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM unmatched_result");
        var notifications = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM critical_notification");
        var report = new DrainReport(published, unacked, lost, doubled, resends, unmatched, _rig.Registered.Count, OrdersMissing().Count,
            notifications, await UndeliveredAsync(), _rig.Webhooks.Received.Values.Sum(r => r.Posts) - _rig.Webhooks.Received.Count,
            Interlocked.Read(ref _registrationFailures));
        output.WriteLine(report);
        return report;
    }

    /// <summary>Registered specimens whose upsert order has not reached their gateway.</summary>
    public List<string> OrdersMissing()
    {
        var received = _rig.Gateways.SelectMany(g => g.Orders).Where(o => o.Action == "upsert").Select(o => o.Specimen).ToHashSet();
        return _rig.Registered.Keys.Where(s => !received.Contains(s)).ToList();
    }
}

internal sealed record DrainReport(
    long Published, long Unacked, long Lost, long Doubled, long Resends, long Unmatched, long Referrals, long OrdersMissing,
    long Notifications, long Undelivered, long WebhookRepeats, long RegistrationFailures)
{
    public bool Clean => Unacked == 0 && Lost == 0 && Doubled == 0 && Unmatched == 0 && OrdersMissing == 0 && Undelivered == 0;

    public override string ToString() =>
        $"results: {Published:N0} messages published by the gateways, {Lost} lost, {Doubled} doubled, {Unacked} never acked, {Unmatched} held unmatched " +
        $"({Resends:N0} resends by the gateways); orders: {Referrals:N0} referrals, {OrdersMissing} orders never delivered; " +
        $"webhooks: {Notifications:N0} critical notifications, {Undelivered} undelivered, {WebhookRepeats} repeated POSTs (same Idempotency-Key)" +
        (RegistrationFailures > 0 ? $"; {RegistrationFailures} registrations failed" : "");
}
