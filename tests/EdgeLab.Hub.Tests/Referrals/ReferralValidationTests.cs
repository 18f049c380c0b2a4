using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Referrals;

public sealed class ReferralValidationTests
{
    private static readonly Hub.Catalog.TestCatalog Catalog = Hub.Catalog.CatalogLoader.LoadEmbedded();

    private static List<ValidationError> Errors(ReferralRequest request) =>
        ReferralValidator.Validate(request, TestHub.Clinic, Catalog, new DateOnly(2026, 11, 21)).Errors;

    private static ReferralRequest Valid => new() { Patient = Patients.Ivanova, PractitionerName = "Петров П. П.", PerformingLabId = TestHub.Lab, Tests = ["HGB", "14749-6"] };

    [Fact]
    public void A_valid_request_passes_and_tests_are_found_by_catalog_code_or_loinc()
    {
        var (patient, tests, errors) = ReferralValidator.Validate(Valid, TestHub.Clinic, Catalog, new DateOnly(2026, 11, 21));
        Assert.Empty(errors);
        Assert.Equal(["HGB", "GLU"], tests.Select(t => t.Code));
        Assert.Equal("11223344595", patient!.Snils);
    }

    [Theory]
    [InlineData("112-233-445 96", "patient.snils", "check number")]
    [InlineData("1122334459", "patient.snils", "11 digits")]
    public void Bad_snils_is_refused_with_the_cause(string snils, string field, string cause)
    {
        var error = Assert.Single(Errors(Valid with { Patient = Patients.Ivanova with { Snils = snils } }));
        Assert.Equal(field, error.Field);
        Assert.Contains(cause, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var errors = Errors(new ReferralRequest
        {
            Patient = Patients.Ivanova with { OmsPolicy = "123", Sex = "x", BirthDate = new DateOnly(2030, 1, 1), FamilyName = " " },
            PractitionerName = "",
            PerformingLabId = TestHub.Lab,
            Tests = ["NOPE"],
            Priority = "asap",
        });
        Assert.Equal(
            ["patient.omsPolicy", "patient.familyName", "patient.sex", "patient.birthDate", "practitionerName", "priority", "tests"],
            errors.Select(e => e.Field));
    }

    [Fact]
    public void A_patient_without_snils_or_oms_is_refused() =>
        Assert.Contains(Errors(Valid with { Patient = Patients.Sidorov with { Snils = null } }), e => e.Field == "patient");
}
