using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir.Mapping;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Hub.Tests.Validation;

/// <summary>
/// Validation states through the real ingest writer and store, on SQLite and PostgreSQL (issue 13): what the rules
/// release is final at once, what they hold is preliminary until a lab doctor decides; the critical-value board.
/// </summary>
public sealed class ResultValidationTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private static readonly AccessScope Lab = AccessScope.ForOrganization(TestHub.Lab);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Normal_results_are_released_by_the_rules_and_the_report_is_final(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var reg = await hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, reg.Specimens.Single().Id))]);

        var results = await CurrentAsync(hub, reg.Referral.Id);
        Assert.All(results, r => Assert.Equal(ValidationState.AutoReleased, r.Validation));
        Assert.All(results, r => Assert.Empty(r.HoldReasons));
        Assert.All(results, r => Assert.Equal("final", ObservationMapper.Status(r)));
        Assert.Equal(ReportStatus.Final, Assert.Single(await hub.Store.ListReportsAsync(AccessScope.Region, new ReportQuery { ReferralId = reg.Referral.Id })).Status);
        Assert.Empty(await hub.Store.ListWorklistAsync(Lab));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_abnormal_result_is_preliminary_until_a_lab_doctor_releases_it(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var reg = await hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, reg.Specimens.Single().Id, hgb: "11.0"))]);

        var hgb = (await CurrentAsync(hub, reg.Referral.Id)).Single(r => r.CatalogCode == "HGB");
        Assert.Equal(ValidationState.Held, hgb.Validation);
        Assert.Equal([HoldReason.OutsideReferenceRange], hgb.HoldReasons);
        Assert.Equal("preliminary", ObservationMapper.Status(hgb));
        Assert.Equal(ReportStatus.Partial, (await ReportAsync(hub, reg.Referral.Id)).Status);

        var group = Assert.Single(await hub.Store.ListWorklistAsync(Lab));
        Assert.Equal(reg.Referral.Id, group.ReferralId);
        Assert.Equal(TestHub.Clinic, group.OrderingOrganizationId);
        Assert.Equal(hgb.Id, Assert.Single(group.Results).Result.Id);
        Assert.Empty(await hub.Store.ListWorklistAsync(AccessScope.ForOrganization(TestHub.Clinic))); // the performing lab validates

        hub.Time.Advance(TimeSpan.FromMinutes(3));
        var (outcome, released) = await hub.Store.DecideAsync(Lab, hgb.Id, ValidationAction.Release, "dr-petrova", null);
        Assert.Equal(DecisionOutcome.Decided, outcome);
        Assert.Equal(ValidationState.Released, released!.Validation);
        var reread = (await hub.Store.GetObservationAsync(AccessScope.Region, hgb.Id))!;
        Assert.Equal(ValidationState.Released, reread.Validation);
        Assert.Equal([HoldReason.OutsideReferenceRange], reread.HoldReasons); // why it was held stays with it
        Assert.Equal("final", ObservationMapper.Status(reread));
        Assert.Equal(ReportStatus.Final, (await ReportAsync(hub, reg.Referral.Id)).Status);
        var decision = (await hub.Store.GetDecisionAsync(hgb.Id))!;
        Assert.Equal(("dr-petrova", TestHub.Lab, hub.Time.GetUtcNow()), (decision.DecidedBy, decision.OrganizationId, decision.DecidedAt));
        Assert.Empty(await hub.Store.ListWorklistAsync(Lab));

        // Decided once: a second decision (another doctor, a retry) changes nothing.
        Assert.Equal(DecisionOutcome.NotHeld, (await hub.Store.DecideAsync(Lab, hgb.Id, ValidationAction.Reject, "dr-ivanov", "late")).Outcome);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Reject_needs_a_reason_and_reports_no_value_and_only_the_performing_lab_decides(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var reg = await hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, reg.Specimens.Single().Id, hgb: "11.0"))]);
        var hgb = (await CurrentAsync(hub, reg.Referral.Id)).Single(r => r.CatalogCode == "HGB");

        await Assert.ThrowsAsync<StoreValidationException>(() => hub.Store.DecideAsync(Lab, hgb.Id, ValidationAction.Reject, "dr-petrova", " "));
        Assert.Equal(DecisionOutcome.NotFound, (await hub.Store.DecideAsync(AccessScope.ForOrganization(TestHub.Clinic), hgb.Id, ValidationAction.Release, "clinic-emr", null)).Outcome);
        Assert.Equal(DecisionOutcome.NotFound, (await hub.Store.DecideAsync(Lab, 999_999, ValidationAction.Release, "dr-petrova", null)).Outcome);
        var wbc = (await CurrentAsync(hub, reg.Referral.Id)).Single(r => r.CatalogCode == "WBC");
        Assert.Equal(DecisionOutcome.NotHeld, (await hub.Store.DecideAsync(Lab, wbc.Id, ValidationAction.Reject, "dr-petrova", "x")).Outcome); // released by the rules

        Assert.Equal(DecisionOutcome.Decided, (await hub.Store.DecideAsync(Lab, hgb.Id, ValidationAction.Reject, "dr-petrova", "haemolysed specimen")).Outcome);
        var rejected = (await hub.Store.GetObservationAsync(AccessScope.Region, hgb.Id))!;
        Assert.Equal(ValidationState.Rejected, rejected.Validation);
        Assert.Equal("cancelled", ObservationMapper.Status(rejected));
        Assert.Equal("haemolysed specimen", (await hub.Store.GetDecisionAsync(hgb.Id))!.Reason);
        Assert.Equal(ReportStatus.Final, (await ReportAsync(hub, reg.Referral.Id)).Status); // every test decided
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_rerun_supersedes_the_held_result_and_is_evaluated_on_its_own(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var reg = await hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        var tube = reg.Specimens.Single().Id;
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, tube, hgb: "11.0"))]);
        var first = (await CurrentAsync(hub, reg.Referral.Id)).Single(r => r.CatalogCode == "HGB");
        Assert.Equal(DecisionOutcome.Decided, (await hub.Store.DecideAsync(Lab, first.Id, ValidationAction.Rerun, "dr-petrova", "clot suspected")).Outcome);
        Assert.Equal("preliminary", ObservationMapper.Status((await hub.Store.GetObservationAsync(AccessScope.Region, first.Id))!));

        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(2, tube, hgb: "13.0", completed: Messages.At.AddMinutes(20)))]);
        var rerun = (await CurrentAsync(hub, reg.Referral.Id)).Single(r => r.CatalogCode == "HGB");
        Assert.NotEqual(first.Id, rerun.Id);
        Assert.Equal(ValidationState.AutoReleased, rerun.Validation); // 110 → 130 g/L is within the 20 g/L delta
        Assert.Equal(DecisionOutcome.NotHeld, (await hub.Store.DecideAsync(Lab, first.Id, ValidationAction.Release, "x", null)).Outcome); // decided already
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Delta_check_compares_with_the_patients_previous_result_within_the_window(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        // WBC 50 % in 72 h: 4.2 then 8.5 (+102 %), both inside the reference range 4.0–9.0.
        var first = await hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, first.Specimens.Single().Id, wbc: "4.2", completed: Messages.At.AddDays(-2)))]);
        var second = await hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(2, second.Specimens.Single().Id, wbc: "8.5"))]);
        var wbc = (await CurrentAsync(hub, second.Referral.Id)).Single(r => r.CatalogCode == "WBC");
        Assert.Equal([HoldReason.DeltaExceeded], wbc.HoldReasons);
        var entry = Assert.Single(Assert.Single(await hub.Store.ListWorklistAsync(Lab)).Results);
        Assert.Equal(4.3m, entry.Delta);
        Assert.Equal(102.4m, entry.DeltaPercent);
        Assert.Equal(4.2m, Assert.Single(entry.Previous).Numeric);

        // The same change after the window (another patient, 4 days apart) is no delta failure.
        var earlier = await hub.RegisterAsync(["WBC", "HGB", "PLT"], Patients.Sidorov);
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(3, earlier.Specimens.Single().Id, wbc: "4.2", completed: Messages.At.AddDays(-4)))]);
        var later = await hub.RegisterAsync(["WBC", "HGB", "PLT"], Patients.Sidorov);
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(4, later.Specimens.Single().Id, wbc: "8.5"))]);
        Assert.Equal(ValidationState.AutoReleased, (await CurrentAsync(hub, later.Referral.Id)).Single(r => r.CatalogCode == "WBC").Validation);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Critical_value_waits_on_the_board_is_escalated_once_and_acknowledged_and_its_webhook_waits_for_release(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        await hub.Store.UpsertOrganizationAsync(new Organization { Id = TestHub.Clinic, Name = "Clinic One", Kind = OrganizationKind.Clinic, WebhookUrl = "http://127.0.0.1:9/hook", Phone = "+7 3822 000-111" });
        var reg = await hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, reg.Specimens.Single().Id, hgb: "6.0"))]);

        var item = Assert.Single(await hub.Store.ListCriticalBoardAsync(Lab));
        Assert.Equal(("HGB", "LL", ValidationState.Held), (item.Result.CatalogCode, item.Notification.Interpretation, item.Result.Validation));
        Assert.Equal(("Clinic One", "+7 3822 000-111", "Петров П. П."), (item.OrderingOrganizationName, item.OrderingOrganizationPhone, item.PractitionerName));
        Assert.True(item.Notification.Held);
        Assert.Empty(await hub.Store.ListCriticalBoardAsync(AccessScope.ForOrganization(TestHub.OtherClinic)));

        // The webhook does not go out while the result is held.
        var delivery = new NotificationDelivery(hub.Database, new NoHttp(), hub.Time, NullLogger<NotificationDelivery>.Instance);
        Assert.Empty(await delivery.OrganizationsDueAsync(CancellationToken.None));

        // Escalation on fake time: not before 15 minutes, once after.
        var escalation = new CriticalEscalation(hub.Store, hub.Store, new CriticalValueOptions(), hub.Time, NullLogger<CriticalEscalation>.Instance);
        Assert.Equal(hub.Time.GetUtcNow() + TimeSpan.FromMinutes(15), await escalation.NextDueAsync(TestHub.Clinic, CancellationToken.None));
        hub.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.Empty(await escalation.EscalateDueAsync(TestHub.Clinic, CancellationToken.None));
        Assert.Empty(await escalation.OrganizationsDueAsync(CancellationToken.None));
        hub.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal([TestHub.Clinic], await escalation.OrganizationsDueAsync(CancellationToken.None));
        Assert.Equal(item.Notification.Id, Assert.Single(await escalation.EscalateDueAsync(TestHub.Clinic, CancellationToken.None)).Id);
        Assert.Empty(await escalation.EscalateDueAsync(null, CancellationToken.None));
        Assert.Null(await escalation.NextDueAsync(TestHub.Clinic, CancellationToken.None));
        Assert.Equal(hub.Time.GetUtcNow(), Assert.Single(await hub.Store.ListCriticalBoardAsync(Lab)).Notification.EscalatedAt);
        Assert.Contains((await hub.Store.QueryAuditAsync(new AuditQuery { OrganizationId = TestHub.Clinic })).Items, e => e.Action == "escalate" && e.ResourceId == item.Notification.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Release frees the webhook; acknowledgement takes it off the board.
        Assert.Equal(DecisionOutcome.Decided, (await hub.Store.DecideAsync(Lab, item.Result.Id, ValidationAction.Release, "dr-petrova", null)).Outcome);
        Assert.Equal([TestHub.Clinic], await delivery.OrganizationsDueAsync(CancellationToken.None));
        var ack = new CriticalAcknowledgement
        {
            RecordedBy = "lab-1-lis",
            InformedBy = "Сидорова А. А., лаборант",
            InformedWhom = "Петров П. П., врач",
            InformedAt = hub.Time.GetUtcNow().AddMinutes(-1),
            ReadBackConfirmed = true,
            RecordedAt = hub.Time.GetUtcNow(),
        };
        Assert.False(await hub.Store.AcknowledgeCriticalAsync(AccessScope.ForOrganization(TestHub.OtherClinic), item.Notification.Id, ack));
        Assert.True(await hub.Store.AcknowledgeCriticalAsync(Lab, item.Notification.Id, ack));
        Assert.False(await hub.Store.AcknowledgeCriticalAsync(Lab, item.Notification.Id, ack with { InformedBy = "someone else" })); // the first stands
        Assert.Empty(await hub.Store.ListCriticalBoardAsync(Lab));
    }

    /// <summary>
    /// The worklist's search and reason filter run before its page size: a held result beyond the oldest N is found
    /// (the page used to filter the 100 it had read, so a patient whose result was 101st could not be found).
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_worklist_search_finds_a_held_result_beyond_the_page_size(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var ivanova = await hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, ivanova.Specimens.Single().Id, hgb: "11.0"))]);
        var sidorov = await hub.RegisterAsync(["WBC", "HGB", "PLT"], Patients.Sidorov);
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(2, sidorov.Specimens.Single().Id, hgb: "6.0", completed: Messages.At.AddMinutes(5)))]);

        Assert.Equal(ivanova.Referral.Id, Assert.Single(await hub.Store.ListWorklistAsync(Lab, count: 1)).ReferralId);
        var found = Assert.Single(await hub.Store.ListWorklistAsync(Lab, count: 1, new WorklistFilter { Text = "сидор" }));
        Assert.Equal((sidorov.Referral.Id, "Сидоров"), (found.ReferralId, found.Patient!.FamilyName));
        Assert.Equal(sidorov.Referral.Id, Assert.Single(await hub.Store.ListWorklistAsync(Lab, count: 1, new WorklistFilter { Hold = HoldReason.Critical })).ReferralId);
        Assert.Equal(sidorov.Referral.Id, Assert.Single(await hub.Store.ListWorklistAsync(Lab, count: 1, new WorklistFilter { Text = sidorov.Specimens.Single().Id[^4..].ToUpperInvariant() })).ReferralId);
        Assert.Equal(ivanova.Referral.Id, Assert.Single(await hub.Store.ListWorklistAsync(Lab, count: 5, new WorklistFilter { Text = "ИВАНОВА МАРИЯ" })).ReferralId);
        Assert.Empty(await hub.Store.ListWorklistAsync(Lab, count: 5, new WorklistFilter { Text = "%" })); // a wildcard is a letter
        Assert.Empty(await hub.Store.ListWorklistAsync(Lab, count: 5, new WorklistFilter { Text = "сидор", Hold = HoldReason.OutsideReferenceRange }));
    }

    private static async Task<IReadOnlyList<LabResult>> CurrentAsync(TestHub hub, string referralId) =>
        (await hub.Store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { ReferralId = referralId })).Items;

    private static async Task<DiagnosticReportSummary> ReportAsync(TestHub hub, string referralId) =>
        Assert.Single(await hub.Store.ListReportsAsync(AccessScope.Region, new ReportQuery { ReferralId = referralId }));

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no webhook may be sent in this test");
    }
}
