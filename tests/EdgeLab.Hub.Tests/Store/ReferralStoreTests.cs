using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Store;

public sealed class ReferralStoreTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Registration_issues_one_checked_barcode_per_specimen_type_and_matches_the_patient_by_snils(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var first = await hub.RegisterAsync(["HGB", "GLU", "INR", "718-7"]);
        Assert.Equal(3, first.Specimens.Count); // blood-edta, serum, plasma-citrate
        Assert.All(first.Specimens, s => Assert.True(SpecimenBarcode.IsValid(s.Id)));
        Assert.Equal(["HGB", "GLU", "INR"], first.Referral.TestCodes);
        Assert.Equal(first.Specimens.Count, first.Specimens.Select(s => s.Id).Distinct().Count());

        var second = await hub.RegisterAsync(["ALT"]);
        Assert.Equal(first.Patient.Id, second.Patient.Id);
        Assert.DoesNotContain(second.Specimens.Single().Id, first.Specimens.Select(s => s.Id));

        var found = await hub.Store.SearchPatientsAsync(AccessScope.ForOrganization(TestHub.Clinic), new PatientQuery { FamilyName = "иван" });
        Assert.Equal(first.Patient.Id, found.Items.Single().Id);
        Assert.Equal(2, (await hub.Store.SearchReferralsAsync(AccessScope.ForOrganization(TestHub.Clinic), new ReferralQuery { PatientId = first.Patient.Id })).Items.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Same_external_id_returns_the_first_registration_and_cancel_cancels_specimens(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var a = await hub.RegisterAsync(["HGB"], externalId: "emr-42");
        var b = await hub.RegisterAsync(["HGB"], externalId: "emr-42");
        Assert.True(b.AlreadyExisted);
        Assert.Equal(a.Referral.Id, b.Referral.Id);
        Assert.Equal(a.Specimens.Single().Id, b.Specimens.Single().Id);

        Assert.Null(await hub.Store.CancelReferralAsync(AccessScope.ForOrganization(TestHub.OtherClinic), a.Referral.Id));
        var cancelled = await hub.Store.CancelReferralAsync(AccessScope.ForOrganization(TestHub.Clinic), a.Referral.Id);
        Assert.Equal(ReferralStatus.Cancelled, cancelled!.Status);
        Assert.Equal(SpecimenStatus.Cancelled, (await hub.Store.GetSpecimenAsync(AccessScope.Region, a.Specimens.Single().Id))!.Status);

        // A result for a cancelled referral's tube is held, not attached.
        await hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, a.Specimens.Single().Id))]);
        Assert.All((await hub.Store.ListUnmatchedAsync(AccessScope.Region, new UnmatchedQuery())).Items, u => Assert.Equal(UnmatchedReason.SpecimenCancelled, u.Reason));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Api_clients_and_audit_round_trip(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        await hub.Store.AddApiClientAsync(new ApiClient { Id = "emr-1", Name = "EMR", OrganizationId = TestHub.Clinic, TokenSha256 = new string('A', 64), Scopes = ["system/*.read"] });
        await Assert.ThrowsAsync<StoreValidationException>(() => hub.Store.AddApiClientAsync(new ApiClient { Id = "emr-1", Name = "EMR", OrganizationId = TestHub.Clinic, TokenSha256 = new string('b', 64), Scopes = [] }));
        await Assert.ThrowsAsync<StoreValidationException>(() => hub.Store.AddApiClientAsync(new ApiClient { Id = "emr-2", Name = "EMR", OrganizationId = "nowhere", TokenSha256 = new string('c', 64), Scopes = [] }));
        var found = await hub.Store.FindApiClientByTokenHashAsync(new string('a', 64));
        Assert.Equal(["system/*.read"], found!.Scopes);
        Assert.True(await hub.Store.RevokeApiClientAsync("emr-1", hub.Time.GetUtcNow()));
        // Still found, marked revoked: the bearer handler refuses it and audits the attempt under the client.
        Assert.Equal(hub.Time.GetUtcNow(), (await hub.Store.FindApiClientByTokenHashAsync(new string('a', 64)))!.RevokedAt);

        for (var i = 0; i < 3; i++)
            await hub.Store.AppendAuditAsync(new AuditEntry { At = hub.Time.GetUtcNow().AddSeconds(i), ClientId = "emr-1", OrganizationId = TestHub.Clinic, Action = "read", ResourceType = "Patient", ResourceId = $"p{i}", StatusCode = 200 });
        var page = await hub.Store.QueryAuditAsync(new AuditQuery { ClientId = "emr-1", Count = 2 });
        Assert.Equal(["p2", "p1"], page.Items.Select(e => e.ResourceId));
        Assert.Equal(["p0"], (await hub.Store.QueryAuditAsync(new AuditQuery { ClientId = "emr-1", Cursor = page.NextCursor })).Items.Select(e => e.ResourceId));
    }
}
