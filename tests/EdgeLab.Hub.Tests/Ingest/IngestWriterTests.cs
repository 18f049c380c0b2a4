using System.Text;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Ingest;

/// <summary>The batch writer against a real SQLite file and a real PostgreSQL database.</summary>
public sealed class IngestWriterTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Result_is_linked_specimen_referral_patient_and_normalized(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var reg = await hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        var specimen = reg.Specimens.Single();

        var outcome = await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, specimen.Id, hgb: "10.5"))]);

        Assert.Equal([1L], outcome.AcksByGateway[(TestHub.Gateway, Messages.Epoch)]);
        Assert.Equal(3, outcome.Results);
        var page = await hub.Store.SearchObservationsAsync(AccessScope.ForOrganization(TestHub.Clinic), new ObservationQuery { PatientId = reg.Patient.Id });
        Assert.Equal(3, page.Items.Count);
        var hgb = page.Items.Single(r => r.CatalogCode == "HGB");
        Assert.Equal(reg.Referral.Id, hgb.ReferralId);
        Assert.Equal(specimen.Id, hgb.SpecimenId);
        Assert.Equal(TestHub.Lab, hgb.PerformingLabId);
        Assert.Equal(105m, hgb.Numeric); // 10.5 g/dL × 10 = 105 g/L
        Assert.Equal("g/L", hgb.Unit);
        Assert.Equal(120m, hgb.ReferenceLow); // adult female range
        Assert.Equal(InterpretationCodes.Low, hgb.Interpretation);
        Assert.True(hgb.IsCurrent);
        Assert.Equal(SpecimenStatus.Received, (await hub.Store.GetSpecimenAsync(AccessScope.Region, specimen.Id))!.Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Same_message_twice_stores_once_and_acks_both_times(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var specimen = (await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single();
        var message = Messages.Cbc(7, specimen.Id);

        var first = await hub.Writer.WriteAsync([Messages.Envelope(message), Messages.Envelope(message)]);
        var second = await hub.Writer.WriteAsync([Messages.Envelope(message)]);

        Assert.Equal(3, first.Results);
        Assert.Equal(1, first.Duplicates);
        Assert.Equal(0, second.Results);
        Assert.Equal(1, second.Duplicates);
        Assert.Equal([7L], second.AcksByGateway[(TestHub.Gateway, Messages.Epoch)]);
        var all = await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { SpecimenId = specimen.Id, IncludeSuperseded = true });
        Assert.Equal(3, all.Items.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Unknown_specimen_bad_check_digit_and_unknown_code_are_held_then_resolved(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var specimen = (await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single();
        var wrongCheck = specimen.Id[..^1] + (char)('0' + (specimen.Id[^1] - '0' + 1) % 10);
        var unknownCode = Messages.Cbc(3, specimen.Id) with { Results = [new ResultItem { Code = "XYZ", Value = "1" }] };

        await hub.Writer.WriteAsync([
            Messages.Envelope(Messages.Cbc(1, "LAB-000123")),
            Messages.Envelope(Messages.Cbc(2, wrongCheck)),
            Messages.Envelope(unknownCode),
        ]);

        var held = (await hub.Store.ListUnmatchedAsync(AccessScope.ForOrganization(TestHub.Lab), new UnmatchedQuery())).Items;
        Assert.Equal(3, held.Count(u => u.Reason == UnmatchedReason.UnknownSpecimen));
        Assert.Equal(3, held.Count(u => u.Reason == UnmatchedReason.BadCheckDigit));
        Assert.Single(held, u => u.Reason == UnmatchedReason.UnknownTestCode);
        Assert.Empty((await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery())).Items);
        Assert.Empty((await hub.Store.ListUnmatchedAsync(AccessScope.ForOrganization(TestHub.Clinic), new UnmatchedQuery())).Items);

        // A person decides the misread tube is our specimen: every held item of that tube gets linked.
        var misread = held.First(u => u.Reason == UnmatchedReason.BadCheckDigit);
        var ids = (await hub.Store.ResolveUnmatchedAsync(AccessScope.ForOrganization(TestHub.Lab), new UnmatchedResolution { UnmatchedId = misread.Id, SpecimenId = specimen.Id, ResolvedBy = "tech-1" })).ResultIds;
        Assert.Equal(3, ids.Count);
        var linked = await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { SpecimenId = specimen.Id });
        Assert.Equal(3, linked.Items.Count);
        var open = (await hub.Store.ListUnmatchedAsync(AccessScope.Region, new UnmatchedQuery())).Items;
        Assert.Equal(4, open.Count);
        var resolved = (await hub.Store.ListUnmatchedAsync(AccessScope.Region, new UnmatchedQuery { IncludeResolved = true })).Items.Where(u => u.IsResolved).ToList();
        Assert.All(resolved, u => Assert.Equal("tech-1", u.ResolvedBy));

        // The unknown code is resolved by naming the catalog test.
        var code = open.Single(u => u.Reason == UnmatchedReason.UnknownTestCode);
        var codeIds = (await hub.Store.ResolveUnmatchedAsync(AccessScope.Region, new UnmatchedResolution { UnmatchedId = code.Id, CatalogCode = "MPV", ResolvedBy = "tech-1" })).ResultIds;
        Assert.Equal("MPV", (await hub.Store.GetObservationAsync(AccessScope.Region, codeIds.Single()))!.CatalogCode);
        await Assert.ThrowsAsync<StoreValidationException>(() => hub.Store.ResolveUnmatchedAsync(AccessScope.Region, new UnmatchedResolution { UnmatchedId = code.Id, CatalogCode = "MPV", ResolvedBy = "x" }));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Correction_supersedes_keeping_history_and_a_late_original_stays_history(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var reg = await hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        var sid = reg.Specimens.Single().Id;
        var t0 = Messages.At;

        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, sid, hgb: "13.0", completed: t0))]);
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(2, sid, hgb: "13.9", status: "C", completed: t0.AddMinutes(5)))]);
        // An older measurement delivered late (another hub node was slower) must not become current.
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(3, sid, hgb: "9.0", completed: t0.AddMinutes(-5)) with { Sequence = 3 })]);

        var current = (await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { SpecimenId = sid, Codes = ["HGB"] })).Items.Single();
        Assert.Equal(ResultStatus.Corrected, current.Status);
        Assert.Equal(139m, current.Numeric);
        var history = (await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { SpecimenId = sid, Codes = ["718-7"], IncludeSuperseded = true })).Items;
        Assert.Equal(3, history.Count);
        var original = history.Single(r => r.Numeric == 130m);
        Assert.False(original.IsCurrent);
        Assert.Equal(original.Id, current.SupersedesId);
        var reports = await hub.Store.ListReportsAsync(AccessScope.ForOrganization(TestHub.Clinic), new ReportQuery { PatientId = reg.Patient.Id });
        Assert.Equal(ReportStatus.Amended, Assert.Single(reports).Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Bad_payloads_are_quarantined_and_acked_when_the_id_is_recoverable(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var big = Encoding.UTF8.GetBytes("{\"schema\":\"edgelab.result/1\",\"pad\":\"" + new string('x', 2000) + "\"}");
        await hub.Writer.WriteAsync([
            Messages.Raw("results", Encoding.UTF8.GetBytes("MSH|^~\\&|not json"), $"{TestHub.Gateway}:10"),
            Messages.Raw("results", Encoding.UTF8.GetBytes("{\"schema\":\"edgelab.result/9\"}"), $"{TestHub.Gateway}:11"),
            Messages.Raw("results", big, $"{TestHub.Gateway}:12", maxBytes: 1024),
            Messages.Raw("results", Encoding.UTF8.GetBytes("garbage"), null),
        ]);
        var outcome = await hub.Writer.WriteAsync([Messages.Raw("results", Encoding.UTF8.GetBytes("garbage"), $"{TestHub.Gateway}:10")]);

        Assert.Equal([10L], outcome.AcksByGateway[(TestHub.Gateway, null)]);
        var q = (await hub.Store.ListQuarantineAsync()).Items;
        Assert.Equal(4, q.Count);
        Assert.Contains(q, x => x.Reason == QuarantineReason.NotJson && x.MessageId == $"{TestHub.Gateway}:10" && Encoding.UTF8.GetString(x.Payload).StartsWith("MSH", StringComparison.Ordinal));
        Assert.Contains(q, x => x.Reason == QuarantineReason.UnknownSchema);
        Assert.Contains(q, x => x.Reason == QuarantineReason.TooLarge && x.PayloadLength == big.Length && x.Payload.Length == 1024);
        Assert.Contains(q, x => x.MessageId is null);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Critical_value_queues_a_notification_for_the_ordering_organization(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var specimen = (await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single();
        var outcome = await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, specimen.Id, hgb: "5.8"))]); // 58 g/L < 70

        Assert.Equal(1, outcome.Notifications);
        var hgb = (await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { Codes = ["HGB"] })).Items.Single();
        Assert.Equal(InterpretationCodes.CriticalLow, hgb.Interpretation);
        await using var c = await hub.Database.OpenAsync();
        var org = await Dapper.SqlMapper.ExecuteScalarAsync<string>(c, "SELECT org_id FROM critical_notification WHERE result_id = @id", new { id = hgb.Id });
        Assert.Equal(TestHub.Clinic, org);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Reads_are_scoped_to_the_organization_and_pages_are_keyset(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var reg = await hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, reg.Specimens.Single().Id))]);

        var other = AccessScope.ForOrganization(TestHub.OtherClinic);
        Assert.Null(await hub.Store.GetPatientAsync(other, reg.Patient.Id));
        Assert.Empty((await hub.Store.SearchObservationsAsync(other, new ObservationQuery())).Items);
        Assert.Null(await hub.Store.GetReferralAsync(other, reg.Referral.Id));
        Assert.NotNull(await hub.Store.GetPatientAsync(AccessScope.ForOrganization(TestHub.Lab), reg.Patient.Id));

        var scope = AccessScope.ForOrganization(TestHub.Clinic);
        var p1 = await hub.Store.SearchObservationsAsync(scope, new ObservationQuery { PatientId = reg.Patient.Id, Count = 2 });
        Assert.Equal(2, p1.Items.Count);
        var p2 = await hub.Store.SearchObservationsAsync(scope, new ObservationQuery { PatientId = reg.Patient.Id, Count = 2, Cursor = p1.NextCursor });
        Assert.Single(p2.Items);
        Assert.Null(p2.NextCursor);
        Assert.Empty(p1.Items.Select(r => r.Id).Intersect(p2.Items.Select(r => r.Id)));
        Assert.Equal(ReportStatus.Final, (await hub.Store.ListReportsAsync(scope, new ReportQuery { PatientId = reg.Patient.Id })).Single().Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Two_nodes_writing_one_tube_at_once_keep_one_current_result_per_test(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var specimen = (await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single();
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, specimen.Id))]);
        // A second hub node: its own writer on the same database, as shared subscriptions split one gateway's messages.
        var nodes = new[] { hub.Writer, new Hub.Ingest.IngestWriter(hub.Database, hub.Catalog, hub.Time) };
        const int Count = 40;

        await Task.WhenAll(nodes.Select((node, n) => Task.Run(async () =>
        {
            for (var seq = 2 + n; seq <= Count + 1; seq += 2)
                await node.WriteAsync([Messages.Envelope(Messages.Cbc(seq, specimen.Id, wbc: seq.ToString(System.Globalization.CultureInfo.InvariantCulture)))]);
        })));

        var all = (await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { SpecimenId = specimen.Id, IncludeSuperseded = true, Count = 1000 })).Items;
        // Every message changes WBC; HGB and PLT repeat the current result exactly, so only the first of each is stored
        // (an identical retransmission is not a correction, issue 10 item 3).
        Assert.Equal(Count + 1 + 2, all.Count);
        var current = all.Where(r => r.IsCurrent).ToList();
        Assert.Equal(["HGB", "PLT", "WBC"], current.Select(r => r.CatalogCode).Order());
        Assert.Equal((Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), current.Single(r => r.CatalogCode == "WBC").Value);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_nul_character_in_a_result_is_quarantined_without_holding_back_the_batch(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var specimen = (await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single();
        var bad = Messages.Cbc(21, specimen.Id, wbc: "6\u00001");
        var escapedBackslash = Messages.Cbc(22, specimen.Id, wbc: "6\\u0000"); // a backslash, then the letters u0000: no NUL

        var outcome = await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(20, specimen.Id)), Messages.Envelope(bad), Messages.Envelope(escapedBackslash)]);

        Assert.Equal([20L, 21L, 22L], outcome.AcksByGateway[(TestHub.Gateway, Messages.Epoch)]);
        Assert.Equal(4, outcome.Results); // message 22 changes only WBC: its HGB and PLT repeat message 20's exactly
        var held = Assert.Single((await hub.Store.ListQuarantineAsync()).Items);
        Assert.Equal(QuarantineReason.Invalid, held.Reason);
        Assert.Equal($"{TestHub.Gateway}:{Messages.Epoch}:21", held.MessageId);
        Assert.Contains("U+0000", held.Detail, StringComparison.Ordinal);
        Assert.Equal(Messages.Json(bad), held.Payload);
    }
}
