namespace EdgeLab.Hub.Fhir;

/// <summary>FHIR API logging (LoggerMessage source generation): routes and ids, never patient data.</summary>
internal static partial class FhirLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "Unhandled failure in {Method} {Endpoint}")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string endpoint);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Referral {ReferralId} registered by client {ClientId} with {SpecimenCount} specimen(s)")]
    public static partial void ReferralRegistered(ILogger logger, string referralId, string clientId, int specimenCount);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Unmatched item {UnmatchedId} resolved by client {ClientId} into {ResultCount} result(s)")]
    public static partial void UnmatchedResolved(ILogger logger, long unmatchedId, string clientId, int resultCount);
}
