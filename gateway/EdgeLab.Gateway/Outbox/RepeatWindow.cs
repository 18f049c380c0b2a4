using Microsoft.Data.Sqlite;

namespace EdgeLab.Gateway.Outbox;

/// <summary>
/// Recognises a message an instrument sends again: the content hashes of each instrument's recent messages (every part
/// of a multi-order ASTM message), kept in memory and in the outbox database's <c>recent_message</c> table so a repeat
/// after a restart is caught too. A hash stays for <see cref="OutboxOptions.RepeatWindow"/> and among the last
/// <see cref="OutboxOptions.RepeatWindowMessages"/> of its instrument, whichever ends first.
/// </summary>
/// <remarks>
/// Issue 10 item 5: only the last message was remembered, so an identical earlier message (an analyzer resending its
/// last few after a reconnect, or an HL7 sender that missed several ACKs) got a second row, which the hub takes as a
/// correction. Used only by the outbox's single writer thread, inside its transaction.
/// </remarks>
internal sealed class RepeatWindow
{
    private readonly TimeSpan _window;
    private readonly int _maxMessages;
    private readonly Dictionary<string, Recent> _byInstrument = new(StringComparer.Ordinal);
    private SqliteCommand _upsert = null!;
    private SqliteCommand _delete = null!;

    public RepeatWindow(TimeSpan window, int maxMessages)
    {
        _window = window;
        _maxMessages = Math.Max(1, maxMessages);
    }

    public void Prepare(SqliteConnection connection, Func<string, string[], SqliteCommand> command)
    {
        _upsert = command("INSERT INTO recent_message (instrument_id, content_sha256, seq, at) VALUES ($inst, $hash, $seq, $at) " +
            "ON CONFLICT(instrument_id, content_sha256) DO UPDATE SET seq = excluded.seq, at = excluded.at", ["$inst", "$hash", "$seq", "$at"]);
        _delete = command("DELETE FROM recent_message WHERE instrument_id = $inst AND content_sha256 = $hash AND seq = $seq", ["$inst", "$hash", "$seq"]);
        Reload(connection);
    }

    public IEnumerable<SqliteCommand> Commands => [_upsert, _delete];

    /// <summary>Reads the window back from the database: at start, and after a rolled-back batch.</summary>
    public void Reload(SqliteConnection connection)
    {
        _byInstrument.Clear();
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT instrument_id, content_sha256, seq, at FROM recent_message ORDER BY seq";
        using var r = read.ExecuteReader();
        while (r.Read()) Remember(r.GetString(0), r.GetString(1), r.GetInt64(2), OutboxDatabase.FromUnixMs(r.GetInt64(3)));
    }

    /// <summary>The sequence of the stored message with this content, when it is still within the window.</summary>
    public bool TryFind(string instrumentId, string contentHash, DateTimeOffset now, out long seq)
    {
        seq = 0;
        if (!_byInstrument.TryGetValue(instrumentId, out var recent) || !recent.Hashes.TryGetValue(contentHash, out var entry)) return false;
        if (now - entry.At >= _window) return false;
        seq = entry.Seq;
        return true;
    }

    /// <summary>Records a committed message (in the writer's transaction) and forgets what fell out of the window.</summary>
    public void Add(string instrumentId, string contentHash, long seq, DateTimeOffset now)
    {
        Bind(_upsert, instrumentId, contentHash, seq, OutboxDatabase.UnixMs(now));
        _upsert.ExecuteNonQuery();
        var recent = Remember(instrumentId, contentHash, seq, now);
        while (recent.Order.Count > _maxMessages || (recent.Order.Count > 0 && now - recent.Order.Peek().At >= _window))
        {
            var old = recent.Order.Dequeue();
            // A hash seen again later has a newer entry; only the entry that is still current is forgotten.
            if (recent.Hashes.TryGetValue(old.Hash, out var current) && current.Seq == old.Seq)
            {
                recent.Hashes.Remove(old.Hash);
                Bind(_delete, instrumentId, old.Hash, old.Seq);
                _delete.ExecuteNonQuery();
            }
        }
    }

    private Recent Remember(string instrumentId, string contentHash, long seq, DateTimeOffset at)
    {
        if (!_byInstrument.TryGetValue(instrumentId, out var recent)) _byInstrument[instrumentId] = recent = new Recent();
        recent.Hashes[contentHash] = new Entry(contentHash, seq, at);
        recent.Order.Enqueue(new Entry(contentHash, seq, at));
        return recent;
    }

    private static void Bind(SqliteCommand cmd, params object[] values)
    {
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i];
    }

    private readonly record struct Entry(string Hash, long Seq, DateTimeOffset At);

    private sealed class Recent
    {
        public Dictionary<string, Entry> Hashes { get; } = new(StringComparer.Ordinal);
        public Queue<Entry> Order { get; } = new();
    }
}
