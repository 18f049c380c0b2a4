namespace EdgeLab.Hub.Auth;

/// <summary>Auth logging (LoggerMessage source generation). Never logs a token or any part of it.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Bearer token refused: {Reason}")]
    public static partial void TokenRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Debug, Message = "Client {ClientId} of {OrganizationId} authenticated")]
    public static partial void Authenticated(ILogger logger, string clientId, string organizationId);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Client {ClientId} lacks scope for {Access} on {ResourceType}")]
    public static partial void ScopeMissing(ILogger logger, string clientId, string access, string resourceType);
}
