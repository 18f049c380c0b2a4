using Microsoft.Data.Sqlite;

namespace EdgeLab.Gateway.Outbox;

/// <summary>
/// Reads the outbox on its own connection (WAL lets it read while the writer commits): pending rows in sequence order
/// for the uplink, depth and age for the status, transcripts and quarantine for audit.
/// </summary>
internal sealed class OutboxReader : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    public OutboxReader(SqliteConnection connection) => _connection = connection;

    /// <summary>Up to <paramref name="max"/> unacknowledged rows with sequence ≥ <paramref name="fromSequence"/>, ascending.</summary>
    public List<OutboxRow> ReadPending(long fromSequence, int max)
    {
        var rows = new List<OutboxRow>(Math.Min(max, 1024));
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = $"SELECT {RowColumns} FROM outbox WHERE seq >= $from ORDER BY seq LIMIT $max";
            cmd.Parameters.AddWithValue("$from", fromSequence);
            cmd.Parameters.AddWithValue("$max", max);
            ReadRows(cmd, rows);
        }
        return rows;
    }

    /// <summary>Up to <paramref name="max"/> unacknowledged STAT rows, oldest first (index <c>outbox_priority</c>).</summary>
    public List<OutboxRow> ReadPendingStat(int max)
    {
        var rows = new List<OutboxRow>();
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = $"SELECT {RowColumns} FROM outbox WHERE priority = {OutboxPriority.Stat} ORDER BY seq LIMIT $max";
            cmd.Parameters.AddWithValue("$max", max);
            ReadRows(cmd, rows);
        }
        return rows;
    }

    /// <summary>Unacknowledged rows with this order key older than <paramref name="beforeSequence"/>, ascending.</summary>
    public List<OutboxRow> ReadPendingWithKey(string orderKey, long beforeSequence)
    {
        var rows = new List<OutboxRow>();
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = $"SELECT {RowColumns} FROM outbox WHERE order_key = $key AND seq < $before ORDER BY seq";
            cmd.Parameters.AddWithValue("$key", orderKey);
            cmd.Parameters.AddWithValue("$before", beforeSequence);
            ReadRows(cmd, rows);
        }
        return rows;
    }

    private const string RowColumns = "seq, instrument_id, kind, order_key, payload, created_at, priority";

    private static void ReadRows(SqliteCommand cmd, List<OutboxRow> rows)
    {
        using var r = cmd.ExecuteReader();
        while (r.Read())
            rows.Add(new OutboxRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), (byte[])r.GetValue(4),
                OutboxDatabase.FromUnixMs(r.GetInt64(5)), (int)r.GetInt64(6)));
    }

    /// <summary>Sequences of unacknowledged rows with this order key in [<paramref name="fromSequence"/>, <paramref name="beforeSequence"/>).</summary>
    public List<long> PendingWithKey(string orderKey, long fromSequence, long beforeSequence)
    {
        var list = new List<long>();
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT seq FROM outbox WHERE order_key = $key AND seq >= $from AND seq < $before ORDER BY seq";
            cmd.Parameters.AddWithValue("$key", orderKey);
            cmd.Parameters.AddWithValue("$from", fromSequence);
            cmd.Parameters.AddWithValue("$before", beforeSequence);
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add(r.GetInt64(0));
        }
        return list;
    }

    /// <summary>When the oldest unacknowledged row was committed, or null when the outbox is empty.</summary>
    public DateTimeOffset? OldestPendingAt()
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT created_at FROM outbox ORDER BY seq LIMIT 1";
            return cmd.ExecuteScalar() is long ms ? OutboxDatabase.FromUnixMs(ms) : null;
        }
    }

    /// <summary>The lowest unacknowledged sequence, or null.</summary>
    public long? FirstPendingSequence()
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT MIN(seq) FROM outbox";
            return cmd.ExecuteScalar() is long s ? s : null;
        }
    }

    public StoredTranscript? ReadTranscript(long sequence)
    {
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT instrument_id, raw, chunks, sha256, created_at, acked_at FROM transcripts WHERE seq = $seq";
            cmd.Parameters.AddWithValue("$seq", sequence);
            using var r = cmd.ExecuteReader();
            if (!r.Read()) return null;
            var raw = (byte[])r.GetValue(1);
            return new StoredTranscript(sequence, r.GetString(0), TranscriptEncoding.Restore(raw, r.GetString(2)), r.GetString(3),
                OutboxDatabase.FromUnixMs(r.GetInt64(4)), r.IsDBNull(5) ? null : OutboxDatabase.FromUnixMs(r.GetInt64(5)));
        }
    }

    public List<QuarantinedMessage> ReadQuarantine()
    {
        var list = new List<QuarantinedMessage>();
        lock (_gate)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT seq, instrument_id, profile, protocol, error, raw, chunks, sha256, created_at FROM quarantine ORDER BY seq";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var raw = (byte[])r.GetValue(5);
                list.Add(new QuarantinedMessage(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
                    TranscriptEncoding.Restore(raw, r.GetString(6)), r.GetString(7), OutboxDatabase.FromUnixMs(r.GetInt64(8))));
            }
        }
        return list;
    }

    public void Dispose() => _connection.Dispose();
}

internal sealed record StoredTranscript(long Sequence, string InstrumentId, EdgeLab.Instruments.Outbound.Transcript Transcript, string Sha256, DateTimeOffset CreatedAt, DateTimeOffset? AckedAt);

internal sealed record QuarantinedMessage(long Sequence, string InstrumentId, string Profile, string Protocol, string Error, EdgeLab.Instruments.Outbound.Transcript Transcript, string Sha256, DateTimeOffset CreatedAt);
