using EdgeLab.Contract;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Referrals;

/// <summary>
/// The <c>…/orders</c> messages for one referral change: one <see cref="OrderMessage"/> per specimen, with each test's
/// instrument codes per dialect profile so a gateway answers its analyzers' host queries without asking the hub.
/// </summary>
public static class OrderMessageFactory
{
    public const string Upsert = "upsert";
    public const string Cancel = "cancel";

    public static IEnumerable<OrderMessage> Build(Patient patient, Referral referral, IReadOnlyList<Specimen> specimens, string action, ITestCatalog catalog, DateTimeOffset at)
    {
        foreach (var specimen in specimens)
        {
            yield return new OrderMessage
            {
                Action = action,
                OrderId = referral.Id,
                SpecimenId = specimen.Id,
                Patient = new OrderPatient
                {
                    Id = patient.Id,
                    FamilyName = patient.FamilyName,
                    GivenName = patient.GivenName,
                    BirthDate = patient.BirthDate,
                    Sex = patient.Sex switch { Sex.Male => "M", Sex.Female => "F", _ => "U" },
                },
                Tests = specimen.TestCodes.Select(code =>
                {
                    var test = catalog.Find(code);
                    return new OrderTest
                    {
                        Code = code,
                        Name = test?.Name,
                        InstrumentCodes = test?.InstrumentCodes.GroupBy(m => m.Profile).ToDictionary(g => g.Key, g => g.First().Code) ?? [],
                    };
                }).ToList(),
                Priority = referral.Priority,
                SpecimenType = specimen.Type,
                CollectedAt = specimen.CollectedAt,
                At = at,
            };
        }
    }
}
