using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Hub.Broker;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Enrolment;

/// <summary>
/// Issue 12 §1 in the registry, on SQLite and PostgreSQL: an enrolled gateway is pending — heard from but nothing of it
/// stored, its first contact audited, its results held — until accepted; pre-authorised is enabled at once; accept and
/// reject decide only about a pending gateway; the broker's ACL lets a pending one announce itself and nothing more.
/// </summary>
public sealed class GatewayEnrolmentRegistryTests
{
    private const string Pending = "lab-1-gw02";
    private const string PreAuthorised = "lab-1-gw03";

    public static TheoryData<string> Providers => TestHub.Providers;

    private static CertificateStamp Stamp(TestHub hub, string serial = "4A01") => new(serial, hub.Time.GetUtcNow().AddDays(397));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_pending_gateway_is_heard_but_not_stored_until_accepted(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var registry = new GatewayEnrolmentStore(hub.Database, hub.Time);
        var states = new GatewayStateStore(hub.Database, hub.Time);
        Assert.Equal(Pending, await registry.NextGatewayIdAsync(TestHub.Lab)); // gw01 is TestHub's
        await registry.EnrolAsync(new GatewayEnrolment(Pending, TestHub.Lab, "Lab One, building 2", false, Stamp(hub), "cli:test"));
        await registry.EnrolAsync(new GatewayEnrolment(PreAuthorised, TestHub.Lab, null, true, Stamp(hub, "4A02"), "cli:test"));
        Assert.Contains("already registered", (await Assert.ThrowsAsync<StoreValidationException>(() =>
            registry.EnrolAsync(new GatewayEnrolment(Pending, TestHub.Lab, null, true, Stamp(hub), "cli:test")))).Message, StringComparison.Ordinal);
        Assert.Contains("not a lab", (await Assert.ThrowsAsync<StoreValidationException>(() =>
            registry.EnrolAsync(new GatewayEnrolment("clinic-gw01", TestHub.Clinic, null, true, Stamp(hub), "cli:test")))).Message, StringComparison.Ordinal);

        var entry = await registry.GetAsync(Pending);
        Assert.Equal(GatewayState.Pending, entry!.State);
        Assert.Equal("Lab One, building 2", entry.Facility);
        Assert.Equal(hub.Time.GetUtcNow().AddDays(397), entry.CertificateNotAfter);
        Assert.Equal(GatewayState.Enabled, (await registry.GetAsync(PreAuthorised))!.State);

        // Two statuses and a result from the pending gateway: nothing stored, the result held, one audit entry.
        var status = Messages.Raw("status", JsonSerializer.SerializeToUtf8Bytes(
            new StatusMessage { GatewayId = Pending, Online = true, At = Messages.At, OutboxDepth = 3 }, WireJson.Default.StatusMessage), null, Pending);
        await hub.Writer.WriteAsync([status]);
        hub.Time.Advance(TimeSpan.FromMinutes(1));
        var result = Messages.Cbc(1, "S0000001", gateway: Pending);
        var outcome = await hub.Writer.WriteAsync([status, Messages.Envelope(result)]);
        Assert.Equal(1, outcome.Violations);
        Assert.Equal(0, outcome.Results);
        entry = await registry.GetAsync(Pending);
        Assert.Null(entry!.LastStatusAt);
        Assert.Equal(hub.Time.GetUtcNow(), entry.PendingSeenAt);
        var held = Assert.Single((await hub.Store.ListProvenanceViolationsAsync(AccessScope.Region)).Items);
        Assert.Equal(ProvenanceReason.GatewayPending, held.Reason);

        // Accept (only a pending gateway; twice is a no-op), after which its status is stored; reject of an enabled one is refused.
        Assert.True(await states.ChangeStateAsync(new GatewayStateChange(Pending, GatewayState.Enabled, null, "client:regional-it", From: GatewayState.Pending)));
        Assert.False(await states.ChangeStateAsync(new GatewayStateChange(Pending, GatewayState.Enabled, null, "client:regional-it", From: GatewayState.Pending)));
        Assert.Contains("not pending", (await Assert.ThrowsAsync<StoreValidationException>(() =>
            states.ChangeStateAsync(new GatewayStateChange(Pending, GatewayState.Revoked, null, "client:regional-it", From: GatewayState.Pending)))).Message, StringComparison.Ordinal);
        hub.Time.Advance(TimeSpan.FromMinutes(1));
        await hub.Writer.WriteAsync([Messages.Raw("status", JsonSerializer.SerializeToUtf8Bytes(
            new StatusMessage { GatewayId = Pending, Online = true, At = Messages.At.AddMinutes(5), OutboxDepth = 0 }, WireJson.Default.StatusMessage), null, Pending)]);
        Assert.NotNull((await registry.GetAsync(Pending))!.LastStatusAt);

        var audit = (await hub.Store.QueryAuditAsync(new AuditQuery { OrganizationId = TestHub.Lab })).Items
            .Where(e => e.ResourceType == "Gateway" && e.ResourceId == Pending).Select(e => e.Action).ToList();
        Assert.Equal(["accept", "connect-pending", "enrol"], audit);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Reject_is_final_and_renewal_records_the_new_certificate(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var registry = new GatewayEnrolmentStore(hub.Database, hub.Time);
        var states = new GatewayStateStore(hub.Database, hub.Time);
        await registry.EnrolAsync(new GatewayEnrolment(Pending, TestHub.Lab, null, false, Stamp(hub), "cli:test"));
        Assert.True(await states.ChangeStateAsync(new GatewayStateChange(Pending, GatewayState.Revoked, "not ours", "cli:test", From: GatewayState.Pending)));
        Assert.Contains("revoked", (await Assert.ThrowsAsync<StoreValidationException>(() =>
            states.ChangeStateAsync(new GatewayStateChange(Pending, GatewayState.Enabled, null, "cli:test", From: GatewayState.Pending)))).Message, StringComparison.Ordinal);

        await registry.RecordCertificateAsync(TestHub.Gateway, new CertificateStamp("4B77", hub.Time.GetUtcNow().AddDays(400)), "mqtt:" + TestHub.Gateway);
        var renewed = await registry.GetAsync(TestHub.Gateway);
        Assert.Equal("4B77", renewed!.CertificateSerial);
        var audit = (await hub.Store.QueryAuditAsync(new AuditQuery { OrganizationId = TestHub.Lab })).Items.Where(e => e.ResourceType == "Gateway").Select(e => (e.ResourceId, e.Action)).ToList();
        Assert.Equal([(TestHub.Gateway, "renew"), (Pending, "reject"), (Pending, "enrol")], audit);
    }

    [Fact]
    public void The_acl_lets_a_pending_gateway_write_its_status_only()
    {
        var acl = BrokerAccessFiles.RenderAcl("user hub-1", [
            new GatewayStanding("lab-1-gw01", "lab-1", GatewayState.Enabled, null, null),
            new GatewayStanding(Pending, "lab-1", GatewayState.Pending, null, null),
            new GatewayStanding("lab-1-gw04", "lab-1", GatewayState.Revoked, null, null),
        ]);
        Assert.Contains($"user {Pending}\ntopic write {Topics.Status(Pending)}\n", acl, StringComparison.Ordinal);
        Assert.DoesNotContain($"{Pending}/#", acl, StringComparison.Ordinal);
        Assert.DoesNotContain("lab-1-gw04", acl, StringComparison.Ordinal);
        Assert.Contains("user lab-1-gw01\ntopic readwrite edgelab/v1/gw/lab-1-gw01/#", acl, StringComparison.Ordinal);
    }
}
