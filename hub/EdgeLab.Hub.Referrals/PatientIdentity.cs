using System.Text;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Referrals;

/// <summary>
/// Whether a registered patient found by an identifier is the person a referral names (issue 9, "Patient identity").
/// An identifier alone is not enough: SNILS are mistyped (a typo with a valid check number is another person's SNILS)
/// and OMS policies are re-issued, so a match needs the identifier AND agreeing demographics — family name and birth
/// date always, the given name too (both sides always have one) — and no identifier that both records carry may differ.
/// </summary>
public static class PatientIdentity
{
    public const string FamilyName = "familyName";
    public const string GivenName = "givenName";
    public const string BirthDate = "birthDate";
    public const string Snils = "snils";
    public const string OmsPolicy = "omsPolicy";

    /// <summary>The fields on which <paramref name="registered"/> and <paramref name="sent"/> disagree; empty = same person.</summary>
    public static IReadOnlyList<string> Disagreements(Patient registered, Patient sent)
    {
        var fields = new List<string>();
        if (NormalizeName(registered.FamilyName) != NormalizeName(sent.FamilyName)) fields.Add(FamilyName);
        if (NormalizeName(registered.GivenName) != NormalizeName(sent.GivenName)) fields.Add(GivenName);
        if (registered.BirthDate != sent.BirthDate) fields.Add(BirthDate);
        if (registered.Snils is not null && sent.Snils is not null && registered.Snils != sent.Snils) fields.Add(Snils);
        if (registered.OmsPolicy is not null && sent.OmsPolicy is not null && registered.OmsPolicy != sent.OmsPolicy) fields.Add(OmsPolicy);
        return fields;
    }

    /// <summary>
    /// A name as compared: lower case, ё as е, without spaces, hyphens and other dashes ("Петрова-Водкина",
    /// "ПЕТРОВА ВОДКИНА" and "петрова‐водкина" are one name). Registries and EMRs differ in exactly these.
    /// </summary>
    public static string NormalizeName(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var ch in name)
        {
            if (char.IsWhiteSpace(ch) || ch == '-' || char.GetUnicodeCategory(ch) == System.Globalization.UnicodeCategory.DashPunctuation) continue;
            var lower = char.ToLowerInvariant(ch);
            sb.Append(lower == 'ё' ? 'е' : lower);
        }
        return sb.ToString();
    }
}
