using EdgeLab.Hub.Referrals;

namespace EdgeLab.Hub.Tests.Support;

/// <summary>Synthetic patients (names and numbers invented; SNILS check numbers computed).</summary>
internal static class Patients
{
    public static readonly PatientInput Ivanova = new()
    {
        Snils = Snils.Complete("112233445"),
        OmsPolicy = "7054410890000123",
        FamilyName = "Иванова",
        GivenName = "Мария",
        MiddleName = "Сергеевна",
        Sex = "female",
        BirthDate = new DateOnly(1980, 3, 14),
    };

    public static readonly PatientInput Sidorov = new()
    {
        Snils = Snils.Complete("223344556"),
        FamilyName = "Сидоров",
        GivenName = "Алексей",
        Sex = "male",
        BirthDate = new DateOnly(1955, 7, 2),
    };
}
