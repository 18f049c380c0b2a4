using EdgeLab.Contract;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Referrals;

namespace EdgeLab.Hub.Linking;

/// <summary>
/// Links one result message: specimen id → specimen → referral → patient, analyzer code → catalog test. Whatever cannot
/// be linked for certain is held as unmatched with the reason (DESIGN.md guarantee 6: never guessed). A newer result
/// for the same specimen and test supersedes the current one; an older one (arriving late) is kept as history only.
/// Pure: reads only its arguments, writes only the plan.
/// </summary>
public sealed class ResultLinker(ITestCatalog catalog, TimeSpan maxFutureSkew)
{
    /// <summary>Decides why a message's specimen cannot be used, or null when <paramref name="specimen"/> is usable.</summary>
    public static UnmatchedReason? SpecimenProblem(string? specimenId, SpecimenLink? specimen)
    {
        if (string.IsNullOrWhiteSpace(specimenId)) return UnmatchedReason.MissingSpecimen;
        if (specimen is null)
            return SpecimenBarcode.LooksLikeHubBarcode(specimenId.Trim()) && !SpecimenBarcode.IsValid(specimenId.Trim())
                ? UnmatchedReason.BadCheckDigit
                : UnmatchedReason.UnknownSpecimen;
        return specimen.Status == SpecimenStatus.Cancelled ? UnmatchedReason.SpecimenCancelled : null;
    }

    public void Link(BatchPlan plan, ResultMessage message, string labId, SpecimenLink? specimen, Func<long> nextId, DateTimeOffset now)
    {
        var problem = SpecimenProblem(message.SpecimenId, specimen);
        foreach (var item in message.Results)
        {
            if (problem is { } reason)
            {
                Hold(plan, message, labId, item, reason, now);
                continue;
            }
            // A result from the future would stay current until that date (9999-12-31: forever), superseding every
            // real correction: held for a person, who can fix the time or accept it.
            if ((item.CompletedAt ?? message.ReceivedAt) > now + maxFutureSkew)
            {
                Hold(plan, message, labId, item, UnmatchedReason.FutureDated, now);
                continue;
            }
            if (!catalog.TryMapAnalyzerCode(message.Profile, item.Code, out var test, out var mapping))
            {
                Hold(plan, message, labId, item, UnmatchedReason.UnknownTestCode, now);
                continue;
            }
            if (TryAdd(plan, message.GatewayId, message.InstrumentId, message.MessageId, message.Sequence, message.ReceivedAt, labId, specimen!, test, mapping, item, nextId, now, out _) == LinkOutcome.UnknownUnit)
                Hold(plan, message, labId, item, UnmatchedReason.UnknownUnit, now);
        }
    }

    /// <summary>
    /// Adds one linked result to the plan (also used when a person resolves a held item). <paramref name="resultId"/> is
    /// the added result, or for a <see cref="LinkOutcome.Repeat"/> the current result it repeats.
    /// </summary>
    public static LinkOutcome TryAdd(
        BatchPlan plan, string gatewayId, string instrumentId, string messageId, long sequence, DateTimeOffset receivedAt, string labId,
        SpecimenLink specimen, TestDefinition test, InstrumentTestCode mapping, ResultItem item, Func<long> nextId, DateTimeOffset now, out long resultId)
    {
        resultId = 0;
        var effective = item.CompletedAt ?? receivedAt;
        var age = specimen.BirthDate == default ? 40 : AgeAt(specimen.BirthDate, effective);
        if (!ResultNormalizer.TryNormalize(test, mapping, item, specimen.Sex, age, out var v)) return LinkOutcome.UnknownUnit;

        var key = (specimen.SpecimenId, test.Code);
        plan.Current.TryGetValue(key, out var previous);
        // An identical retransmission of the current result (same value, unit, flags, status — e.g. an analyzer that
        // re-sends a finished sample, or a gateway repeat outside its window) is the same observation: no new row, no
        // correction, no second critical-value notification (issue 10, item 3).
        var content = ResultContent.Of(item.Value, v.Unit, CanonicalText.List(item.Flags), CanonicalText.Enum(v.Status));
        if (previous is not null && previous.Content == content)
        {
            resultId = previous.Id;
            return LinkOutcome.Repeat;
        }
        var isNewer = previous is null || (effective, sequence).CompareTo((previous.EffectiveAt, previous.Sequence)) >= 0;
        var id = nextId();
        resultId = id;
        var result = new LabResult
        {
            Id = id,
            SpecimenId = specimen.SpecimenId,
            ReferralId = specimen.ReferralId,
            PatientId = specimen.PatientId,
            PerformingLabId = labId,
            CatalogCode = test.Code,
            AnalyzerCode = item.Code,
            Value = item.Value,
            Numeric = v.Numeric,
            Comparator = v.Comparator,
            Unit = v.Unit,
            ReferenceLow = v.ReferenceLow,
            ReferenceHigh = v.ReferenceHigh,
            ReferenceText = v.ReferenceText,
            Interpretation = v.Interpretation,
            AnalyzerFlags = item.Flags,
            Status = v.Status,
            EffectiveAt = effective,
            IssuedAt = now,
            GatewayId = gatewayId,
            InstrumentId = instrumentId,
            MessageId = messageId,
            SupersedesId = isNewer ? previous?.Id : null,
            IsCurrent = isNewer,
            LastUpdated = now,
            Review = v.Review,
        };
        result = Autoverify(plan, test, result, specimen);
        if (isNewer)
        {
            if (previous is { PlanIndex: { } index }) plan.Results[index] = plan.Results[index] with { IsCurrent = false };
            plan.Current[key] = new CurrentResult(id, effective, sequence, plan.Results.Count, content);
        }
        plan.Results.Add(result);
        plan.ResultSequences.Add(sequence);
        if (specimen.Status == SpecimenStatus.Issued) plan.ReceivedSpecimens.Add(specimen.SpecimenId);
        // A result marked for review was not interpreted by the hub: whatever the analyzer flagged, a person looks first.
        if (isNewer && result.IsCritical && result.Review is null)
        {
            plan.Notifications.Add(new CriticalNotification
            {
                // Delivered to the ordering organization's webhook only once released (issue 13): never as final
                // before a lab doctor has seen it. It is on the critical-value board from now on.
                Held = !result.Validation.IsReleased(),
                Id = 0,
                OrganizationId = specimen.OrderingOrganizationId,
                ResultId = id,
                PatientId = specimen.PatientId,
                ReferralId = specimen.ReferralId,
                CatalogCode = test.Code,
                Interpretation = result.Interpretation!,
                CreatedAt = now,
                NextAttemptAt = now,
            });
        }
        return LinkOutcome.Added;
    }

    /// <summary>
    /// Runs the test's autoverification rule (<see cref="Autoverifier"/>) and keeps the reasons with the result. The hub
    /// does not judge QC runs (gateways forward them as events), so the QC state is <see cref="QcState.Unknown"/> and
    /// each rule's <see cref="AutoverificationRule.WhenQcUnknown"/> decides.
    /// </summary>
    private static LabResult Autoverify(BatchPlan plan, TestDefinition test, LabResult result, SpecimenLink specimen)
    {
        var key = (result.PatientId, result.CatalogCode);
        plan.History.TryGetValue(key, out var history);
        var reasons = Autoverifier.Evaluate(test, result, specimen.CollectedAt, Autoverifier.Latest(history, result.EffectiveAt, result.Id), QcState.Unknown);
        if (result.Numeric is { } n) (history ?? (plan.History[key] = [])).Add(new PreviousResult(result.Id, n, result.EffectiveAt));
        return result with { HoldReasons = reasons, Validation = reasons.Count == 0 ? ValidationState.AutoReleased : ValidationState.Held };
    }

    private static void Hold(BatchPlan plan, ResultMessage message, string labId, ResultItem item, UnmatchedReason reason, DateTimeOffset now) =>
        plan.Unmatched.Add((new UnmatchedResult
        {
            Id = 0,
            Reason = reason,
            MessageId = message.MessageId,
            GatewayId = message.GatewayId,
            LabId = labId.Length == 0 ? null : labId,
            InstrumentId = message.InstrumentId,
            Profile = message.Profile,
            SpecimenId = message.SpecimenId?.Trim(),
            AnalyzerCode = item.Code,
            Value = item.Value,
            Units = item.Units,
            Flags = item.Flags,
            ReferenceRange = item.ReferenceRange,
            Status = item.Status,
            CompletedAt = item.CompletedAt,
            ReceivedAt = now,
        }, message.Sequence));

    private static int AgeAt(DateOnly birth, DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        var age = day.Year - birth.Year;
        if (day < birth.AddYears(age)) age--;
        return Math.Max(0, age);
    }
}

/// <summary>What <see cref="ResultLinker.TryAdd"/> did with one result.</summary>
public enum LinkOutcome
{
    /// <summary>Stored as a new result (current, or history when older than the current one).</summary>
    Added,
    /// <summary>Identical to the current result for its specimen and test: nothing stored.</summary>
    Repeat,
    /// <summary>The analyzer's unit is neither the mapping's nor the catalog's: the caller holds it.</summary>
    UnknownUnit,
}
