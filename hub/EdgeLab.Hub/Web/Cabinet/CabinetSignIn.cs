using System.Globalization;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Web.Documents;
using Microsoft.AspNetCore.Authentication;

namespace EdgeLab.Hub.Web.Cabinet;

/// <summary>What a cabinet access attempt came to.</summary>
internal enum CabinetAccessOutcome
{
    SignedIn,
    /// <summary>No code with this hash (mistyped, or replaced by a newer slip).</summary>
    UnknownCode,
    /// <summary>The code is past its expiry (the slip says until when).</summary>
    Expired,
    WrongBirthDate,
    /// <summary>Not in the one accepted format, dd.mm.yyyy: not counted as a wrong date.</summary>
    BadDateFormat,
    LockedOut,
}

/// <summary>A code as the first step shows it: who and where, before the birth date is asked (no full name, no date).</summary>
internal sealed record CabinetCodeInfo(CabinetAccessCodeState Code, Referral Referral, Patient Patient, string LabName)
{
    /// <summary>"М. С. И." — enough for a patient to see the slip is theirs, too little to identify anyone.</summary>
    public string Initials => string.Join(' ', new[] { Patient.GivenName, Patient.MiddleName, Patient.FamilyName }
        .Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => $"{char.ToUpperInvariant(n!.Trim()[0])}."));
}

/// <summary>
/// Cabinet access by the code printed on the referral slip plus the patient's birth date (issue 14). Lessons of CDC
/// SimpleReport's patient links: show whose code and until when before asking the date, accept one date format, lock a
/// code for <see cref="LockoutDuration"/> after <see cref="MaxFailures"/> wrong dates in a row (time from the injected
/// <see cref="TimeProvider"/>). The session is a cookie of its own scheme (<see cref="Scheme"/>), confined to
/// <c>/cabinet</c>, never the staff cookie. Each attempt is audited by the caller.
/// </summary>
internal sealed class CabinetSignIn(ICabinetStore codes, IClinicalStore clinical, IDirectoryStore directory, TimeProvider time)
{
    public const string Scheme = "EdgeLabPatient";
    public const string Policy = "cabinet-patient";
    public const string DateFormat = "dd.MM.yyyy";
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(30);
    /// <summary>A patient's session ends after this long without a request (a phone left on a table).</summary>
    public static readonly TimeSpan SessionIdle = TimeSpan.FromMinutes(15);

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The code's referral, patient and lab, or the reason there is none.</summary>
    public async Task<(CabinetAccessOutcome Outcome, CabinetCodeInfo? Info)> LookUpAsync(string code, CancellationToken cancellationToken)
    {
        var normalized = CabinetAccessCode.Normalize(code ?? "");
        if (normalized.Length is 0 or > 32) return (CabinetAccessOutcome.UnknownCode, null);
        var state = await codes.GetAccessCodeAsync(CabinetAccessCode.Hash(normalized), cancellationToken).ConfigureAwait(false);
        if (state is null) return (CabinetAccessOutcome.UnknownCode, null);
        var referral = await clinical.GetReferralAsync(AccessScope.Region, state.ReferralId, cancellationToken).ConfigureAwait(false);
        var patient = referral is null ? null : await clinical.GetPatientAsync(AccessScope.Region, referral.PatientId, cancellationToken).ConfigureAwait(false);
        if (referral is null || patient is null) return (CabinetAccessOutcome.UnknownCode, null);
        var lab = await directory.GetOrganizationAsync(referral.PerformingLabId, cancellationToken).ConfigureAwait(false);
        var info = new CabinetCodeInfo(state, referral, patient, lab?.Name ?? referral.PerformingLabId);
        if (state.ExpiresAt <= Now) return (CabinetAccessOutcome.Expired, info);
        if (state.LockedUntil is { } until && until > Now) return (CabinetAccessOutcome.LockedOut, info);
        return (CabinetAccessOutcome.SignedIn, info);
    }

    /// <summary>Checks the birth date against the code's patient; counts a wrong one toward the lock.</summary>
    public async Task<(CabinetAccessOutcome Outcome, CabinetCodeInfo? Info)> CheckAsync(string code, string birthDate, CancellationToken cancellationToken)
    {
        var (outcome, info) = await LookUpAsync(code, cancellationToken).ConfigureAwait(false);
        if (outcome != CabinetAccessOutcome.SignedIn) return (outcome, info);
        if (!DateOnly.TryParseExact((birthDate ?? "").Trim(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return (CabinetAccessOutcome.BadDateFormat, info);
        var hash = CabinetAccessCode.Hash(code!);
        if (date != info!.Patient.BirthDate)
        {
            var now = Now;
            var failures = await codes.RecordBirthDateFailureAsync(hash, MaxFailures, now, now + LockoutDuration, cancellationToken).ConfigureAwait(false);
            return failures >= MaxFailures
                ? (CabinetAccessOutcome.LockedOut, info with { Code = info.Code with { LockedUntil = now + LockoutDuration } })
                : (CabinetAccessOutcome.WrongBirthDate, info with { Code = info.Code with { FailedCount = failures } });
        }
        await codes.ClearBirthDateFailuresAsync(hash, cancellationToken).ConfigureAwait(false);
        return (CabinetAccessOutcome.SignedIn, info);
    }

    /// <summary>The session's referral, patient and lab (for the initials on a report), or null if the referral is gone.</summary>
    public async Task<CabinetCodeInfo?> ReferralInfoAsync(CabinetPatient session, CancellationToken cancellationToken) =>
        session.ReferralId is { } referralId ? await ReferralInfoAsync(session, referralId, cancellationToken).ConfigureAwait(false) : null;

    /// <summary>One referral of the session's patient (an e-mail session reads each report's own), or null.</summary>
    public async Task<CabinetCodeInfo?> ReferralInfoAsync(CabinetPatient session, string referralId, CancellationToken cancellationToken)
    {
        var referral = await clinical.GetReferralAsync(AccessScope.Region, referralId, cancellationToken).ConfigureAwait(false);
        var patient = referral is null ? null : await clinical.GetPatientAsync(AccessScope.Region, referral.PatientId, cancellationToken).ConfigureAwait(false);
        if (referral is null || patient is null || patient.Id != session.PatientId) return null;
        var lab = await directory.GetOrganizationAsync(referral.PerformingLabId, cancellationToken).ConfigureAwait(false);
        return new CabinetCodeInfo(new CabinetAccessCodeState(referral.Id, DateTimeOffset.MaxValue, 0, null), referral, patient, lab?.Name ?? referral.PerformingLabId);
    }

    /// <summary>A session for the patient an e-mail code proved: all of the patient's referrals.</summary>
    public static Task SignInByEmailAsync(HttpContext http, string patientId) =>
        http.SignInAsync(Scheme, new CabinetPatient(patientId, null).ToPrincipal(), new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });

    public static Task SignInAsync(HttpContext http, CabinetCodeInfo info) =>
        http.SignInAsync(Scheme, new CabinetPatient(info.Patient.Id, info.Referral.Id).ToPrincipal(),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
}
