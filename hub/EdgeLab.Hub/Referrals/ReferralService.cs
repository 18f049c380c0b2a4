using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Referrals;

/// <summary>
/// Registration: validate, check the organizations, persist (patient matched by SNILS/OMS with agreeing demographics,
/// else held for identity review; barcodes issued, one
/// specimen per specimen type the tests need, the orders for the performing lab's gateways queued in the same
/// transaction), then wake the order publisher.
/// </summary>
internal sealed class ReferralService(IReferralStore referrals, IDirectoryStore directory, ITestCatalog catalog, IOrderOutboxSignal orders, TimeProvider time)
    : IReferralService
{
    public async Task<ReferralRegistrationResult> RegisterAsync(string orderingOrganizationId, ReferralRequest request, CancellationToken cancellationToken = default)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var (patient, tests, errors) = ReferralValidator.Validate(request, orderingOrganizationId, catalog, today);
        var ordering = await directory.GetOrganizationAsync(orderingOrganizationId, cancellationToken).ConfigureAwait(false);
        if (ordering is null) errors.Add(new("orderingOrganization", $"organization '{orderingOrganizationId}' is not registered at the hub"));
        if (Contract.Topics.IsValidGatewayId(request.PerformingLabId)) // else the validator said why
        {
            var lab = await directory.GetOrganizationAsync(request.PerformingLabId, cancellationToken).ConfigureAwait(false);
            if (lab is null) errors.Add(new("performingLabId", $"lab '{request.PerformingLabId}' is not registered at the hub"));
            else if (lab.Kind != OrganizationKind.Lab) errors.Add(new("performingLabId", $"organization '{request.PerformingLabId}' is not a lab"));
        }
        if (errors.Count > 0) return new ReferralRegistrationResult(null, errors);

        var referral = new Referral
        {
            Id = HubId.New(),
            PatientId = patient!.Id,
            OrderingOrganizationId = orderingOrganizationId,
            PractitionerName = request.PractitionerName.Trim(),
            PractitionerId = request.PractitionerId,
            PerformingLabId = request.PerformingLabId,
            TestCodes = tests.Select(t => t.Code).ToList(),
            Priority = request.Priority ?? "routine",
            Status = ReferralStatus.Active,
            ExternalId = request.ExternalId,
        };
        var specimens = tests.GroupBy(t => t.SpecimenType).Select(g => (g.Key, (IReadOnlyList<string>)g.Select(t => t.Code).ToList())).ToList();
        var outcome = await referrals.RegisterReferralAsync(new NewReferral { Patient = patient, Referral = referral, Specimens = specimens }, cancellationToken).ConfigureAwait(false);
        if (outcome.Held is { } held) return new ReferralRegistrationResult(null, [], held);
        var registered = outcome.Registered!;
        if (!registered.AlreadyExisted) orders.Wake();
        return new ReferralRegistrationResult(registered, []);
    }

    public async Task<Referral?> CancelAsync(AccessScope scope, string referralId, CancellationToken cancellationToken = default)
    {
        var cancelled = await referrals.CancelReferralAsync(scope, referralId, cancellationToken).ConfigureAwait(false);
        if (cancelled is not null) orders.Wake();
        return cancelled;
    }
}
