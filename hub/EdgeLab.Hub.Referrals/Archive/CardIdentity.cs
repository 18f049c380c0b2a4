using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Referrals.Archive;

/// <summary>
/// Which registered patient a paper card belongs to, by the patient identity rules of issue 9
/// (<see cref="PatientIdentity"/>): a candidate shares the card's SNILS or OMS policy, and only a candidate whose
/// family name, given name and birth date agree and whose other identifier does not differ is the card's patient.
/// Anything else leaves the card in the queue with the reason — never the nearest patient.
/// </summary>
public static class CardIdentity
{
    /// <param name="card">The demographics the inventory gave.</param>
    /// <param name="candidates">Registered patients carrying the card's SNILS or OMS policy.</param>
    public static (string? PatientId, CardQueueReason? Reason) Match(Patient card, IEnumerable<Patient> candidates)
    {
        string? found = null;
        var any = false;
        foreach (var candidate in candidates)
        {
            if (!Shares(card, candidate)) continue;
            any = true;
            if (PatientIdentity.Disagreements(candidate, card).Count > 0) continue;
            if (found is not null && found != candidate.Id) return (null, CardQueueReason.Ambiguous);
            found = candidate.Id;
        }
        if (found is not null) return (found, null);
        return (null, any ? CardQueueReason.IdentityMismatch : CardQueueReason.NoPatient);
    }

    private static bool Shares(Patient card, Patient candidate) =>
        (card.Snils is not null && card.Snils == candidate.Snils) || (card.OmsPolicy is not null && card.OmsPolicy == candidate.OmsPolicy);
}
