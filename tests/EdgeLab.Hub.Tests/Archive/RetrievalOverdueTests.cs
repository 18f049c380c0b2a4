using Dapper;
using EdgeLab.Hub.Archive;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Grains;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;

namespace EdgeLab.Hub.Tests.Archive;

/// <summary>
/// The overdue alert of a paper card retrieval is owned by the requesting organization's grain (Orleans TestingHost,
/// real database, injected clock): nothing before the due date, marked once after it, a new due date on delivery.
/// </summary>
public sealed class RetrievalOverdueTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_retrieval_past_its_due_date_is_marked_overdue_once_by_the_organization_grain(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        await hub.Store.AddLocationAsync("ARCH-1/Z01/B0001", 10);
        var csv = "card_number,snils,surname,name,birth_date,sex,polyclinic,location\n" +
                  $"K-1,{Patients.Sidorov.Snils},Сидоров,Алексей,1955-07-02,male,{TestHub.Clinic},ARCH-1/Z01/B0001/1\n";
        await new InventoryImporter(hub.Store, hub.Time).ImportAsync(new StringReader(csv), new RejectionReport(new StringWriter()), null, default);
        var request = await hub.Store.RequestRetrievalAsync("K-1", TestHub.Clinic, "Петров П. П.", hub.Time.GetUtcNow().AddHours(2));
        await using var broker = await MosquittoProcess.StartAsync();
        await using var grains = await GrainCluster.StartAsync(hub, broker, deliveryTime: hub.Time);
        var overdue = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<RetrievalOverdue>(grains.Services);

        // What the grain runs on each wake-up marks nothing before the due date.
        Assert.Empty(await overdue.MarkDueAsync(TestHub.Clinic, default));
        Assert.Null((await hub.Store.GetRetrievalAsync(AccessScope.Region, request.Id))!.OverdueAt);
        Assert.Equal(request.DeliverBy, await hub.Store.NextRetrievalDueAsync(TestHub.Clinic));

        hub.Time.Advance(TimeSpan.FromHours(3));
        // The sweep finds the organization (OrganizationsWithOverdueRetrievals) and wakes its grain.
        await Eventually.TrueAsync(async () => (await hub.Store.GetRetrievalAsync(AccessScope.Region, request.Id))!.OverdueAt is not null, "overdue marked", Timeout);
        Assert.Single(await hub.Store.ListRetrievalsAsync(AccessScope.ForOrganization(TestHub.Clinic), overdueOnly: true, 10));
        // The grain audits right after marking (its own commit): wait for it, then exactly one entry.
        await using (var c = await hub.Database.OpenAsync())
            await Eventually.TrueAsync(async () => await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_entry WHERE action = 'overdue' AND resource_id = @id", new { id = request.Id }) == 1, "overdue audited once", Timeout);
        Assert.Empty(await hub.Store.OrganizationsWithOverdueRetrievalsAsync(hub.Time.GetUtcNow()));

        // Delivered late: a new due date (the return) starts, and the mark of the delivery leg is cleared.
        await hub.Store.AdvanceRetrievalAsync(AccessScope.Region, request.Id, RetrievalStatus.Retrieved, null);
        var delivered = await hub.Store.AdvanceRetrievalAsync(AccessScope.Region, request.Id, RetrievalStatus.Delivered, hub.Time.GetUtcNow().AddDays(14));
        Assert.Null(delivered!.OverdueAt);
        Assert.Equal(hub.Time.GetUtcNow().AddDays(14), delivered.DueAt);
        // Another organization cannot move it on.
        Assert.Null(await hub.Store.AdvanceRetrievalAsync(AccessScope.ForOrganization(TestHub.OtherClinic), request.Id, RetrievalStatus.Returned, null));
    }
}
