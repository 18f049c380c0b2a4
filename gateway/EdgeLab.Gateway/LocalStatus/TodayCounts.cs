using EdgeLab.Gateway.Outbox;
using Microsoft.Data.Sqlite;

namespace EdgeLab.Gateway.LocalStatus;

/// <summary>
/// Messages each instrument delivered since a point in time, read once at start from the store (transcripts of kept
/// messages plus quarantined ones), so "messages today" survives a restart.
/// </summary>
internal static class TodayCounts
{
    public static IReadOnlyDictionary<string, int> Read(string databasePath, DateTimeOffset since)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();
        // One transcript per kept message part; parts of one analyzer message share created_at and bytes, so count
        // distinct (instrument, created_at, sha256) to count analyzer messages rather than parts.
        cmd.CommandText = """
            SELECT instrument_id, COUNT(*) FROM (
                SELECT DISTINCT instrument_id, created_at, sha256 FROM transcripts WHERE created_at >= $since
                UNION ALL
                SELECT instrument_id, created_at, sha256 FROM quarantine WHERE created_at >= $since)
            GROUP BY instrument_id
            """;
        cmd.Parameters.AddWithValue("$since", OutboxDatabase.UnixMs(since));
        using var r = cmd.ExecuteReader();
        while (r.Read()) counts[r.GetString(0)] = r.GetInt32(1);
        return counts;
    }

    /// <summary>Midnight at the site today, in UTC.</summary>
    public static DateTimeOffset StartOfToday(DateTimeOffset now, TimeZoneInfo siteZone)
    {
        var local = TimeZoneInfo.ConvertTime(now, siteZone);
        var midnight = local.Date;
        return new DateTimeOffset(midnight, siteZone.GetUtcOffset(midnight));
    }
}
