using System.Text.Json.Nodes;
using Dapper;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Linking;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Ingest;

/// <summary>
/// Issue 9, ingest part: who may write results (provenance), message ids that survive a gateway reinstall, poison
/// items quarantined alone, future-dated results held. Real SQLite file and real PostgreSQL.
/// </summary>
public sealed class IngestIntegrityTests
{
    private const string OtherLab = "lab-2";
    private const string OtherLabGateway = "lab-2-gw01";
    private const string DisabledGateway = "lab-1-gw02";
    private const string UnregisteredGateway = "ghost-gw01";

    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Results_from_an_unregistered_a_disabled_or_another_labs_gateway_are_held_as_provenance_violations(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        await hub.Store.UpsertOrganizationAsync(new Organization { Id = OtherLab, Name = "Lab Two", Kind = OrganizationKind.Lab });
        await hub.Store.UpsertGatewayAsync(OtherLabGateway, OtherLab);
        await hub.Store.UpsertGatewayAsync(DisabledGateway, TestHub.Lab);
        await using (var c = await hub.Database.OpenAsync())
            await c.ExecuteAsync("UPDATE gateway SET state = 'disabled' WHERE id = @id", new { id = DisabledGateway });
        var specimen = (await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single().Id;
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, specimen, hgb: "13.5"))]);

        // Later, newer, critical (58 g/L) "results" for lab-1's tube from three senders that may not write them.
        var later = Messages.At.AddMinutes(10);
        var outcome = await hub.Writer.WriteAsync([
            Messages.Envelope(Messages.Cbc(1, specimen, gateway: UnregisteredGateway, hgb: "5.8", completed: later)),
            Messages.Envelope(Messages.Cbc(1, specimen, gateway: OtherLabGateway, hgb: "5.8", completed: later)),
            Messages.Envelope(Messages.Cbc(1, specimen, gateway: DisabledGateway, hgb: "5.8", completed: later)),
        ]);

        Assert.Equal(3, outcome.Violations);
        Assert.Equal(0, outcome.Results);
        Assert.Equal(0, outcome.Notifications);
        // Acked end to end (they are kept), so the senders do not resend forever.
        Assert.Equal(3, outcome.AcksByGateway.Count);
        var history = (await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { SpecimenId = specimen, IncludeSuperseded = true })).Items;
        Assert.Equal(3, history.Count);
        Assert.All(history, r => Assert.Equal(TestHub.Gateway, r.GatewayId));
        Assert.Equal(135m, history.Single(r => r.CatalogCode == "HGB" && r.IsCurrent).Numeric);
        await using (var c = await hub.Database.OpenAsync())
            Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM critical_notification"));

        var all = (await hub.Store.ListProvenanceViolationsAsync(AccessScope.Region)).Items;
        Assert.Equal(
            [ProvenanceReason.UnregisteredGateway, ProvenanceReason.ForeignSpecimen, ProvenanceReason.GatewayDisabled],
            all.OrderBy(v => v.Id).Select(v => v.Reason));
        Assert.All(all, v => Assert.Equal(TestHub.Lab, v.SpecimenLabId));
        var foreign = all.Single(v => v.Reason == ProvenanceReason.ForeignSpecimen);
        Assert.Equal(OtherLab, foreign.GatewayLabId);
        Assert.Contains("\"5.8\"", System.Text.Encoding.UTF8.GetString(foreign.Payload), StringComparison.Ordinal);
        // The specimen's lab sees them; the offending lab and a clinic do not.
        Assert.Equal(3, (await hub.Store.ListProvenanceViolationsAsync(AccessScope.ForOrganization(TestHub.Lab))).Items.Count);
        Assert.Empty((await hub.Store.ListProvenanceViolationsAsync(AccessScope.ForOrganization(OtherLab))).Items);
        Assert.Empty((await hub.Store.ListProvenanceViolationsAsync(AccessScope.ForOrganization(TestHub.Clinic))).Items);
        // An operator sees an alert in the sender's event list.
        Assert.Contains(await hub.Store.ListGatewayEventsAsync(UnregisteredGateway), e => e.Type == IngestAlert.ProvenanceViolation);
        Assert.Contains(outcome.Alerts, a => a.Type == IngestAlert.ProvenanceViolation && a.GatewayId == OtherLabGateway);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_reinstalled_gateway_restarting_its_sequence_in_a_new_epoch_loses_nothing_and_raises_an_alert(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var specimens = new List<string>();
        // One tube for the first store, one per message of the second: identical results on one tube would be taken as
        // an analyzer's retransmission (stored once), which is not what this test is about.
        for (var i = 0; i <= 10; i++) specimens.Add((await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single().Id);
        const string NewEpoch = "00000000000000e2";

        for (var seq = 1; seq <= 10; seq++)
            await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(seq, specimens[0]))]);
        // The SD card is replaced: same gateway id, a new store, sequences from 1 again.
        var outcomes = new List<BatchOutcome>();
        for (var seq = 1; seq <= 10; seq++)
            outcomes.Add(await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(seq, specimens[seq], epoch: NewEpoch))]));

        Assert.All(outcomes, o => Assert.Equal(0, o.Duplicates));
        Assert.Equal(30, outcomes.Sum(o => o.Results));
        Assert.Equal([1L], outcomes[0].AcksByGateway[(TestHub.Gateway, NewEpoch)]);
        for (var seq = 1; seq <= 10; seq++)
            Assert.Equal(3, (await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { SpecimenId = specimens[seq], IncludeSuperseded = true })).Items.Count);
        var alert = Assert.Single(outcomes.SelectMany(o => o.Alerts));
        Assert.Equal(IngestAlert.NewEpoch, alert.Type);
        Assert.Contains(Messages.Epoch, alert.Text, StringComparison.Ordinal);
        Assert.Contains(await hub.Store.ListGatewayEventsAsync(TestHub.Gateway), e => e.Type == IngestAlert.NewEpoch);
        await using var c = await hub.Database.OpenAsync();
        Assert.Equal(
            [(Messages.Epoch, 10L), (NewEpoch, 10L)],
            (await c.QueryAsync<(string, long)>("SELECT epoch, max_sequence FROM gateway_epoch WHERE gateway_id = @gw ORDER BY epoch", new { gw = TestHub.Gateway })).ToList());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_repeated_id_with_other_content_is_quarantined_with_an_alert_never_acked_as_a_silent_repeat(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var first = (await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single().Id;
        var second = (await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single().Id;
        // Ids in the old form (no epoch): a gateway from before epochs, reinstalled — its sequence restarts at 1.
        for (var seq = 1; seq <= 10; seq++)
            await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(seq, first, epoch: null))]);

        var resend = await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(3, first, epoch: null))]);
        var reused = new List<BatchOutcome>();
        for (var seq = 1; seq <= 10; seq++)
            reused.Add(await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(seq, second, epoch: null, hgb: "12.0"))]));

        Assert.Equal(1, resend.Duplicates);
        Assert.Empty(resend.Alerts);
        Assert.All(reused, o => Assert.Equal(0, o.Duplicates));
        Assert.All(reused, o => Assert.Equal(1, o.Quarantined));
        Assert.Equal(10, reused.SelectMany(o => o.Alerts).Count(a => a.Type == IngestAlert.IdReused));
        var held = (await hub.Store.ListQuarantineAsync()).Items;
        Assert.Equal(10, held.Count(q => q.Reason == QuarantineReason.IdReused));
        Assert.Contains(held, q => q.MessageId == $"{TestHub.Gateway}:7" && q.Payload.SequenceEqual(Messages.Json(Messages.Cbc(7, second, epoch: null, hgb: "12.0"))));
        // A later forger publishing an id first cannot suppress the real message either: the real one is kept.
        var forged = Messages.Cbc(11, first, hgb: "3.0");
        await hub.Writer.WriteAsync([Messages.Envelope(forged)]);
        var real = await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(11, first, hgb: "13.0"))]);
        Assert.Equal(1, real.Quarantined);
        Assert.Equal(IngestAlert.IdReused, Assert.Single(real.Alerts).Type);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Poison_items_are_quarantined_alone_naming_the_field_and_the_rest_of_the_batch_commits_once(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var specimen = (await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single().Id;
        var nullItem = Edit(Messages.Cbc(2, specimen), j => j["results"]!.AsArray()[1] = null);
        var nullCode = Edit(Messages.Cbc(3, specimen), j => j["results"]!.AsArray()[2]!["code"] = null);
        var nullResults = Edit(Messages.Cbc(4, specimen), j => j["results"] = null);
        var eventWithoutData = System.Text.Encoding.UTF8.GetBytes(
            $$"""{"schema":"edgelab.event/1","messageId":"{{TestHub.Gateway}}:{{Messages.Epoch}}:5","gatewayId":"{{TestHub.Gateway}}","sequence":5,"type":"link-up","at":"2026-11-21T08:30:00Z","data":null}""");

        var outcome = await hub.Writer.WriteAsync([
            Messages.Envelope(Messages.Cbc(1, specimen)),
            Raw(nullItem, 2), Raw(nullCode, 3), Raw(nullResults, 4),
            Messages.Raw("events", eventWithoutData, $"{TestHub.Gateway}:{Messages.Epoch}:5"),
            Messages.Envelope(Messages.Cbc(6, specimen, wbc: "7.0")),
        ]);

        Assert.Equal(4, outcome.Results); // message 6 changes only WBC: its HGB and PLT repeat message 1's exactly
        Assert.Equal(4, outcome.Quarantined);
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], outcome.AcksByGateway[(TestHub.Gateway, Messages.Epoch)]);
        var held = (await hub.Store.ListQuarantineAsync()).Items.ToDictionary(q => q.MessageId!, q => q.Detail);
        Assert.Equal("results[1]: null", held[$"{TestHub.Gateway}:{Messages.Epoch}:2"]);
        Assert.Equal("results[2].code: missing", held[$"{TestHub.Gateway}:{Messages.Epoch}:3"]);
        Assert.Equal("results: missing", held[$"{TestHub.Gateway}:{Messages.Epoch}:4"]);
        Assert.StartsWith("data: null", held[$"{TestHub.Gateway}:{Messages.Epoch}:5"], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_result_dated_beyond_the_allowed_skew_is_held_and_never_becomes_current(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var specimen = (await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single().Id;
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, specimen, hgb: "13.5"))]);

        var farFuture = new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);
        var outcome = await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(2, specimen, hgb: "5.8", completed: farFuture))]);
        // Within the skew (the hub's clock is 09:00; 23 h ahead is a drifting analyzer clock, not an error).
        var withinSkew = await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(3, specimen, hgb: "13.9", completed: hub.Time.GetUtcNow().AddHours(23)))]);

        Assert.Equal(0, outcome.Results);
        Assert.Equal(0, outcome.Notifications);
        Assert.Equal(3, outcome.Unmatched);
        Assert.Equal(1, withinSkew.Results); // only HGB changed: WBC and PLT repeat message 1's exactly
        var held = (await hub.Store.ListUnmatchedAsync(AccessScope.ForOrganization(TestHub.Lab), new UnmatchedQuery())).Items;
        Assert.Equal(3, held.Count(u => u.Reason == UnmatchedReason.FutureDated));
        var current = (await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { SpecimenId = specimen, Codes = ["HGB"] })).Items.Single();
        Assert.Equal(139m, current.Numeric);

        // The skew is an option of the hub: with none allowed, the 23-hour-ahead result would be held too.
        var strict = new IngestWriter(hub.Database, hub.Catalog, hub.Time, new IngestOptions { MaxFutureSkew = TimeSpan.Zero });
        var held2 = await strict.WriteAsync([Messages.Envelope(Messages.Cbc(4, specimen, completed: hub.Time.GetUtcNow().AddMinutes(5)))]);
        Assert.Equal(3, held2.Unmatched);
    }

    private static byte[] Edit(ResultMessage message, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(Messages.Json(message))!.AsObject();
        edit(json);
        return System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    private static IngestEnvelope Raw(byte[] payload, long sequence) =>
        Messages.Raw("results", payload, $"{TestHub.Gateway}:{Messages.Epoch}:{sequence}");
}
