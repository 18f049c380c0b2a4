namespace EdgeLab.Hub.Domain;

/// <summary>The ids the hub gives its own records (patients, referrals, API clients…).</summary>
public static class HubId
{
    /// <summary>A new id: 32 hex digits, time-ordered (UUID v7, RFC 9562 §5.7), so keyset paging by id follows creation order.</summary>
    public static string New() => Guid.CreateVersion7().ToString("N");
}
