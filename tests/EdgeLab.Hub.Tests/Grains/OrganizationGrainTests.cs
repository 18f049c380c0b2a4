using System.Collections.Concurrent;
using System.Net;
using Dapper;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Grains;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;

namespace EdgeLab.Hub.Tests.Grains;

/// <summary>
/// The organization grain (Orleans TestingHost) delivers critical-value webhooks to a real local HTTP listener,
/// retrying on the backoff recorded in the database (on a fake clock) until it answers 2xx.
/// </summary>
public sealed class OrganizationGrainTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Webhook_is_retried_until_2xx_with_one_idempotency_key_across_retries(string provider)
    {
        var port = FreeTcpPort.Next();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var answers = new ConcurrentQueue<int>([500, 200]);
        var keys = new ConcurrentQueue<string?>();
        var server = Task.Run(async () =>
        {
            while (!answers.IsEmpty)
            {
                var ctx = await listener.GetContextAsync();
                keys.Enqueue(ctx.Request.Headers[NotificationDelivery.IdempotencyHeader]);
                ctx.Response.StatusCode = answers.TryDequeue(out var code) ? code : 200;
                ctx.Response.Close();
            }
        });

        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await TestHub.CreateAsync(provider);
        await hub.Store.UpsertOrganizationAsync(new Organization { Id = TestHub.Clinic, Name = "Clinic One", Kind = OrganizationKind.Clinic, WebhookUrl = $"http://127.0.0.1:{port}/hook/" });
        var specimen = (await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single();
        var outcome = await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, specimen.Id, hgb: "5.0"))]);
        Assert.Equal([TestHub.Clinic], outcome.NotifiedOrganizations);
        await hub.ReleaseHeldCriticalAsync();
        await using var grains = await GrainCluster.StartAsync(hub, broker, deliveryTime: hub.Time);

        // Ingest tells the grain (one-way); the first attempt gets 500 and records the backoff: due 1 s later on the clock.
        new IngestCommitNotifier(grains.Grains, TimeProvider.System).Committed(outcome);
        await Eventually.TrueAsync(() => Task.FromResult(keys.Count == 1), "first attempt reached the listener", Timeout);
        await using (var c = await hub.Database.OpenAsync())
        {
            await Eventually.TrueAsync(async () => await c.ExecuteScalarAsync<long>("SELECT attempts FROM critical_notification") == 1, "attempt recorded", Timeout);
            var (next, delivered) = await c.QuerySingleAsync<(long, long?)>("SELECT next_attempt_at, delivered_at FROM critical_notification");
            Assert.Equal((hub.Time.GetUtcNow() + TimeSpan.FromSeconds(1)).ToUnixTimeMilliseconds(), next);
            Assert.Null(delivered);
            // The safety net while undelivered: a reminder, on PostgreSQL a row in Orleans' reminder table (migration 0010).
            if (provider == "postgres")
                await Eventually.TrueAsync(async () => await c.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM OrleansRemindersTable WHERE ReminderName = @n", new { n = OrganizationGrain.SafetyNetReminder }) == 1, "reminder persisted", Timeout);
        }

        // When the clock reaches the retry time the grain's timer (or the sweep) delivers: 200.
        hub.Time.Advance(TimeSpan.FromSeconds(1));
        await server.WaitAsync(Timeout);
        await using (var c = await hub.Database.OpenAsync())
        {
            await Eventually.TrueAsync(async () => await c.ExecuteScalarAsync<long?>("SELECT delivered_at FROM critical_notification") is not null, "delivery recorded", Timeout);
            var id = await c.ExecuteScalarAsync<long>("SELECT id FROM critical_notification");
            Assert.Equal(2, await c.ExecuteScalarAsync<long>("SELECT attempts FROM critical_notification"));
            // The receiver can dedupe: the same key on both attempts, naming the notification.
            Assert.Equal([NotificationDelivery.IdempotencyKey(id), NotificationDelivery.IdempotencyKey(id)], keys.Select(k => k ?? "(none)").ToArray());
            // Delivered but not yet acknowledged by phone: the grain keeps the reminder for the escalation (issue 13).
            // Once acknowledged nothing is pending: the reminder is gone again.
            Assert.True(await hub.Store.AcknowledgeCriticalAsync(AccessScope.Region, id, new CriticalAcknowledgement
            {
                RecordedBy = "lab-1-lis",
                InformedBy = "Сидорова А. А.",
                InformedWhom = "Петров П. П.",
                InformedAt = hub.Time.GetUtcNow(),
                ReadBackConfirmed = true,
                RecordedAt = hub.Time.GetUtcNow(),
            }));
            await grains.Grains.GetGrain<IOrganizationGrain>(TestHub.Clinic).WakeNotificationsAsync();
            if (provider == "postgres")
                await Eventually.TrueAsync(async () => await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM OrleansRemindersTable") == 0, "reminder removed", Timeout);
        }
    }
}
