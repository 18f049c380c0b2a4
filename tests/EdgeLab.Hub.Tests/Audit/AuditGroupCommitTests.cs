using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Audit;

/// <summary>Concurrent API calls share audit transactions, yet each returns only once its own entries are stored.</summary>
public sealed class AuditGroupCommitTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Concurrent_appends_each_return_after_their_own_entries_are_committed(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var commit = new AuditGroupCommit(hub.Store);
        const int Calls = 40;
        var seenRightAfter = await Task.WhenAll(Enumerable.Range(0, Calls).Select(i => Task.Run(async () =>
        {
            var client = $"client-{i}";
            await commit.AppendAsync([Entry(hub, client, "a"), Entry(hub, client, "b")]);
            // Visible to another connection the moment the call returns: committed, not merely queued.
            return (await hub.Store.QueryAuditAsync(new AuditQuery { ClientId = client })).Items.Count;
        })));
        Assert.All(seenRightAfter, n => Assert.Equal(2, n));
        Assert.Equal(2 * Calls, (await hub.Store.QueryAuditAsync(new AuditQuery { Count = 1000 })).Items.Count);
    }

    [Fact]
    public async Task On_sqlite_an_audit_commit_waits_its_turn_behind_an_ingest_batch_in_process_not_in_sqlites_busy_handler()
    {
        await using var hub = await TestHub.CreateAsync("sqlite");
        var ingestTurn = await hub.Database.EnterWriteAsync();
        var append = hub.Store.AppendAuditAsync(Entry(hub, "client-turn", "a"));
        // Queued on the hub's own turn: it has not even begun its transaction (so holds no SQLite lock to sleep on).
        Assert.False(append.IsCompleted);
        ingestTurn.Dispose();
        await append;
        Assert.Single((await hub.Store.QueryAuditAsync(new AuditQuery { ClientId = "client-turn" })).Items);
    }

    [Fact]
    public async Task On_postgres_writers_need_no_turn()
    {
        await using var hub = await TestHub.CreateAsync("postgres");
        using (await hub.Database.EnterWriteAsync())
            await hub.Store.AppendAuditAsync(Entry(hub, "client-pg", "a")); // would never finish if the turn were exclusive
        Assert.Single((await hub.Store.QueryAuditAsync(new AuditQuery { ClientId = "client-pg" })).Items);
    }

    private static AuditEntry Entry(TestHub hub, string client, string resourceId) => new()
    {
        At = hub.Time.GetUtcNow(),
        ClientId = client,
        OrganizationId = TestHub.Clinic,
        Action = "read",
        ResourceType = "Observation",
        ResourceId = resourceId,
        StatusCode = 200,
    };
}
