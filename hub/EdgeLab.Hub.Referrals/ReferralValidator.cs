using EdgeLab.Contract;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Referrals;

/// <summary>Checks a <see cref="ReferralRequest"/> field by field; every error names the field, the cause and the fix.</summary>
public static class ReferralValidator
{
    public const int MaxNameLength = 100;

    public static (Patient? Patient, IReadOnlyList<TestDefinition> Tests, List<ValidationError> Errors) Validate(
        ReferralRequest request, string orderingOrganizationId, ITestCatalog catalog, DateOnly today)
    {
        var errors = new List<ValidationError>();
        var p = request.Patient;
        string? snils = null, oms = null;
        if (p is null)
        {
            errors.Add(new("patient", "the patient is missing"));
        }
        else
        {
            if (p.Snils is not null)
            {
                snils = Snils.Normalize(p.Snils);
                if (snils is null) errors.Add(new("patient.snils", "SNILS must be 11 digits (e.g. 112-233-445 95)"));
                else if (!Snils.IsValid(snils)) errors.Add(new("patient.snils", "SNILS check number does not match its first nine digits; re-check the number on the patient's document"));
            }
            if (p.OmsPolicy is not null)
            {
                oms = OmsPolicy.Normalize(p.OmsPolicy);
                if (oms is null) errors.Add(new("patient.omsPolicy", "the OMS policy number must be 16 digits"));
            }
            if (p.Snils is null && p.OmsPolicy is null) errors.Add(new("patient", "give the patient's SNILS or OMS policy number, so results reach the right person"));
            Name(p.FamilyName, "patient.familyName", required: true);
            Name(p.GivenName, "patient.givenName", required: true);
            Name(p.MiddleName, "patient.middleName", required: false);
            if (ParseSex(p.Sex) is null) errors.Add(new("patient.sex", $"sex '{p.Sex}' is not one of male, female, unknown"));
            if (p.BirthDate > today) errors.Add(new("patient.birthDate", "the birth date is in the future"));
            if (p.BirthDate.Year < 1900) errors.Add(new("patient.birthDate", "the birth date is before 1900"));
        }
        Name(request.PractitionerName, "practitionerName", required: true);
        if (FreeText.Problem(request.PractitionerId, 64) is { } practitionerId) errors.Add(new("practitionerId", $"the practitioner id {practitionerId}"));
        if (string.IsNullOrWhiteSpace(request.PerformingLabId)) errors.Add(new("performingLabId", "the performing lab is missing"));
        else if (!Topics.IsValidGatewayId(request.PerformingLabId)) errors.Add(new("performingLabId", "the performing lab is not an organization id (3–64 characters of a-z, 0-9 and '-')"));
        if (request.Priority is not (null or "routine" or "stat")) errors.Add(new("priority", $"priority '{request.Priority}' is not routine or stat"));
        if (request.ExternalId is { Length: > 64 }) errors.Add(new("externalId", "the external id is longer than 64 characters"));
        else if (request.ExternalId is { } ext && ext.Any(char.IsControl)) errors.Add(new("externalId", "the external id contains control characters"));

        var tests = new List<TestDefinition>();
        if (request.Tests is null || request.Tests.Count == 0) errors.Add(new("tests", "no tests ordered; give at least one catalog or LOINC code"));
        else
        {
            foreach (var code in request.Tests)
            {
                var test = code is null ? null : catalog.Find(code.Trim()) ?? catalog.FindByLoinc(code.Trim());
                if (test is null) errors.Add(new("tests", $"test '{code}' is not in the regional catalog (use a catalog code such as HGB or a LOINC code such as 718-7)"));
                else if (!tests.Contains(test)) tests.Add(test);
            }
        }
        if (errors.Count > 0) return (null, tests, errors);
        var patient = new Patient
        {
            Id = HubId.New(),
            ManagingOrganizationId = orderingOrganizationId,
            Snils = snils,
            OmsPolicy = oms,
            FamilyName = p!.FamilyName.Trim(),
            GivenName = p.GivenName.Trim(),
            MiddleName = string.IsNullOrWhiteSpace(p.MiddleName) ? null : p.MiddleName.Trim(),
            Sex = ParseSex(p.Sex)!.Value,
            BirthDate = p.BirthDate,
        };
        return (patient, tests, errors);

        void Name(string? value, string field, bool required)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required) errors.Add(new(field, "is required"));
            }
            else if (value.Length > MaxNameLength) errors.Add(new(field, $"is longer than {MaxNameLength} characters"));
            else if (value.Any(char.IsControl)) errors.Add(new(field, "contains control characters"));
        }
    }

    public static Sex? ParseSex(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "male" or "m" => Sex.Male,
        "female" or "f" => Sex.Female,
        "unknown" or "u" or "other" => Sex.Unknown,
        _ => null,
    };
}
