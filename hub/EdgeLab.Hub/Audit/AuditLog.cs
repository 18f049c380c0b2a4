namespace EdgeLab.Hub.Audit;

/// <summary>Audit logging (LoggerMessage source generation); ids only, never patient data.</summary>
internal static partial class AuditLog
{
    [LoggerMessage(EventId = 5201, Level = LogLevel.Error, Message = "Audit append failed for client {ClientId} ({Action} {ResourceType}); the call is refused")]
    public static partial void AppendFailed(ILogger logger, Exception exception, string clientId, string action, string resourceType);
}
