using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Referrals;

namespace EdgeLab.Hub.Tests.Referrals;

/// <summary>What makes a registered patient the person a referral names: identifier AND agreeing demographics.</summary>
public sealed class PatientIdentityTests
{
    private static readonly Patient Registered = new()
    {
        Id = "p1",
        ManagingOrganizationId = "clinic-1",
        Snils = Snils.Complete("112233445"),
        OmsPolicy = "7054410890000123",
        FamilyName = "Петрова-Водкина",
        GivenName = "Алёна",
        Sex = Sex.Female,
        BirthDate = new DateOnly(1980, 3, 14),
    };

    [Theory]
    [InlineData("ПЕТРОВА-ВОДКИНА", "алена")]
    [InlineData("Петрова Водкина", "Алена")]
    [InlineData(" петрова‐водкина ", "АЛЁНА")] // U+2010 hyphen, spaces around
    [InlineData("ПетроваВодкина", "Алёна")]
    public void Names_agree_across_case_yo_spaces_and_hyphens(string family, string given) =>
        Assert.Empty(PatientIdentity.Disagreements(Registered, Registered with { Id = "p2", FamilyName = family, GivenName = given }));

    [Fact]
    public void Each_disagreeing_field_is_named()
    {
        Assert.Equal([PatientIdentity.FamilyName], PatientIdentity.Disagreements(Registered, Registered with { FamilyName = "Петрова" }));
        Assert.Equal([PatientIdentity.GivenName], PatientIdentity.Disagreements(Registered, Registered with { GivenName = "Анна" }));
        Assert.Equal([PatientIdentity.BirthDate], PatientIdentity.Disagreements(Registered, Registered with { BirthDate = new DateOnly(1980, 3, 15) }));
        Assert.Equal([PatientIdentity.FamilyName, PatientIdentity.BirthDate],
            PatientIdentity.Disagreements(Registered, Registered with { FamilyName = "Сидоров", BirthDate = new DateOnly(1955, 7, 2) }));
    }

    [Fact]
    public void An_identifier_both_carry_must_agree_but_a_missing_one_does_not_count()
    {
        Assert.Equal([PatientIdentity.Snils], PatientIdentity.Disagreements(Registered, Registered with { Snils = Snils.Complete("998877665") }));
        Assert.Equal([PatientIdentity.OmsPolicy], PatientIdentity.Disagreements(Registered, Registered with { OmsPolicy = "7054410890000999" }));
        Assert.Empty(PatientIdentity.Disagreements(Registered, Registered with { Snils = null }));
        Assert.Empty(PatientIdentity.Disagreements(Registered with { OmsPolicy = null }, Registered));
    }
}
