using System.Text;
using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Instruments.Outbound;
using Microsoft.Data.Sqlite;

namespace EdgeLab.Gateway.Outbox;

/// <summary>The single writer: group commit of queued requests, sequence assignment, limits and the store-full alarm.</summary>
internal sealed partial class OutboxStore
{
    /// <summary>
    /// An analyzer that was not ACKed (the gateway died after committing, before ACKing) sends the same message again.
    /// Within the window an identical message from the same instrument is acknowledged without a second row.
    /// </summary>
    private RepeatWindow _repeats = null!;
    private SqliteCommand _insertOutbox = null!;
    private SqliteCommand _insertTranscript = null!;
    private SqliteCommand _insertQuarantine = null!;
    private SqliteCommand _deleteAcked = null!;
    private SqliteCommand _markTranscriptAcked = null!;

    private void PrepareCommands()
    {
        _insertOutbox = Command("INSERT INTO outbox (seq, instrument_id, kind, order_key, payload, size, created_at, priority) VALUES ($seq, $inst, $kind, $key, $payload, $size, $at, $prio)",
            "$seq", "$inst", "$kind", "$key", "$payload", "$size", "$at", "$prio");
        _insertTranscript = Command("INSERT INTO transcripts (seq, instrument_id, raw, chunks, sha256, created_at) VALUES ($seq, $inst, $raw, $chunks, $sha, $at)",
            "$seq", "$inst", "$raw", "$chunks", "$sha", "$at");
        _insertQuarantine = Command("INSERT INTO quarantine (seq, instrument_id, profile, protocol, error, raw, chunks, sha256, created_at) VALUES ($seq, $inst, $profile, $protocol, $error, $raw, $chunks, $sha, $at)",
            "$seq", "$inst", "$profile", "$protocol", "$error", "$raw", "$chunks", "$sha", "$at");
        _deleteAcked = Command("DELETE FROM outbox WHERE seq = $seq RETURNING size", "$seq");
        _markTranscriptAcked = Command("UPDATE transcripts SET acked_at = $at WHERE seq = $seq AND acked_at IS NULL", "$seq", "$at");

        _repeats = new RepeatWindow(_options.RepeatWindow, _options.RepeatWindowMessages);
        _repeats.Prepare(_writeConnection, Command);
    }

    private SqliteCommand Command(string sql, string[] parameters) => Command(sql, parameters.AsSpan());

    private SqliteCommand Command(string sql, params ReadOnlySpan<string> parameters)
    {
        var cmd = _writeConnection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var p in parameters) cmd.Parameters.Add(new SqliteParameter { ParameterName = p });
        cmd.Prepare();
        return cmd;
    }

    private void DisposeCommands()
    {
        foreach (var c in new[] { _insertOutbox, _insertTranscript, _insertQuarantine, _deleteAcked, _markTranscriptAcked }) c?.Dispose();
        if (_repeats is not null) foreach (var c in _repeats.Commands) c?.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<OutboxWriteRequest>(_options.MaxBatch);
        var max = _options.GroupCommit ? _options.MaxBatch : 1;
        while (await _requests.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < max && _requests.Reader.TryRead(out var request)) batch.Add(request);
            WriteBatch(batch);
        }
    }

    /// <summary>Everything in <paramref name="batch"/> commits in one transaction, or nothing does.</summary>
    private void WriteBatch(List<OutboxWriteRequest> batch)
    {
        var results = new OutboxWriteResult[batch.Count];
        var rows = new List<(OutboxRow Row, DateTimeOffset ReceivedAt)>(batch.Count);
        var sequenceBefore = _nextSequence;
        long rowsDelta = 0, bytesDelta = 0;
        var refusedForSpace = false;
        var now = _time.GetUtcNow();
        try
        {
            using var tx = _writeConnection.BeginTransaction();
            foreach (var cmd in new[] { _insertOutbox, _insertTranscript, _insertQuarantine, _deleteAcked, _markTranscriptAcked }) cmd.Transaction = tx;
            foreach (var cmd in _repeats.Commands) cmd.Transaction = tx;
            for (var i = 0; i < batch.Count; i++)
            {
                var req = batch[i];
                if (req.Message is { } m)
                {
                    results[i] = WriteMessage(m, now, ref rowsDelta, ref bytesDelta, rows, ref refusedForSpace);
                }
                else if (req.Event is { } e)
                {
                    var payloadSize = 512;
                    if (!HasRoom(rowsDelta, bytesDelta, payloadSize))
                    {
                        results[i] = new(CommitOutcome.StoreFull, 0);
                        refusedForSpace = true;
                        continue;
                    }
                    results[i] = new(CommitOutcome.Committed, InsertEvent(e, now, ref rowsDelta, ref bytesDelta, rows));
                }
                else if (req.Acks is { } acks)
                {
                    long removed = 0;
                    foreach (var seq in acks)
                    {
                        _deleteAcked.Parameters[0].Value = seq;
                        if (_deleteAcked.ExecuteScalar() is long size)
                        {
                            removed++;
                            rowsDelta--;
                            bytesDelta -= size;
                        }
                        _markTranscriptAcked.Parameters[0].Value = seq;
                        _markTranscriptAcked.Parameters[1].Value = OutboxDatabase.UnixMs(now);
                        _markTranscriptAcked.ExecuteNonQuery();
                    }
                    results[i] = new(CommitOutcome.Committed, removed);
                }
                else if (req.PurgeBefore is { } before)
                {
                    using var purge = _writeConnection.CreateCommand();
                    purge.Transaction = tx;
                    purge.CommandText = "DELETE FROM transcripts WHERE acked_at IS NOT NULL AND acked_at < $before";
                    purge.Parameters.AddWithValue("$before", OutboxDatabase.UnixMs(before));
                    results[i] = new(CommitOutcome.Committed, purge.ExecuteNonQuery());
                }
            }
            // The alarm itself must get through even though the store is full: it is one small row, once per episode.
            if (refusedForSpace && !_full)
            {
                InsertEvent(new GatewayEvent(EventTypes.StoreFull, null, now, "outbox limit reached: analyzers are refused until the uplink drains it",
                    new Dictionary<string, string>
                    {
                        ["pendingRows"] = (PendingRows + rowsDelta).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["pendingBytes"] = (PendingBytes + bytesDelta).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["maxRows"] = _options.MaxRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["maxBytes"] = _options.MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    }), now, ref rowsDelta, ref bytesDelta, rows);
            }
            tx.Commit();
        }
        catch (SqliteException ex)
        {
            // Rolled back (the transaction's Dispose): nothing of the batch is stored, every caller hears Failed and the
            // link layer refuses, so the analyzer keeps the data.
            _nextSequence = sequenceBefore;
            _repeats.Reload(_writeConnection);
            GatewayLog.OutboxWriteFailed(_log, batch.Count, ex.SqliteErrorCode, ex);
            foreach (var req in batch) req.Done.TrySetResult(new OutboxWriteResult(CommitOutcome.Failed, 0));
            return;
        }

        Interlocked.Add(ref _pendingRows, rowsDelta);
        Interlocked.Add(ref _pendingBytes, bytesDelta);
        Interlocked.Exchange(ref _lastCommitted, _nextSequence);
        UpdateFullState(refusedForSpace);
        var committedAt = _time.GetUtcNow();
        foreach (var (row, receivedAt) in rows)
        {
            _trace.Write(PipelineTrace.Received, row.Sequence, row.InstrumentId, receivedAt);
            _trace.Write(PipelineTrace.Committed, row.Sequence, row.InstrumentId, committedAt);
            _committed.Writer.TryWrite(row);
        }
        for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
    }

    private OutboxWriteResult WriteMessage(ReceivedMessage m, DateTimeOffset now, ref long rowsDelta, ref long bytesDelta,
        List<(OutboxRow, DateTimeOffset)> rows, ref bool refusedForSpace)
    {
        var raw = m.Transcript.ToArray();
        var contentHash = ContentHash(m, raw);
        if (_repeats.TryFind(m.InstrumentId, contentHash, now, out var storedSeq))
        {
            // Already stored (the analyzer repeats because our ACK never reached it): acknowledge, store nothing.
            GatewayLog.RepeatedMessage(_log, m.InstrumentId, storedSeq);
            return new(CommitOutcome.Committed, storedSeq);
        }
        if (!HasRoom(rowsDelta, bytesDelta, raw.Length + 1024))
        {
            refusedForSpace = true;
            return new(CommitOutcome.StoreFull, 0);
        }
        var sha = TranscriptEncoding.Sha256Hex(raw);
        var chunks = TranscriptEncoding.Chunks(m.Transcript);
        var seq = ++_nextSequence;
        byte[] payload = [];
        string kind, key;
        var error = m.DecodeError;
        if (m.Decoded is { } decoded && error is null)
        {
            payload = OutboxPayloads.Result(_options.GatewayId, Epoch, seq, m, decoded, sha);
            // The hub cannot receive a bigger message (WireLimits: its MQTT Maximum Packet Size, its triage limit):
            // published, it would vanish at the broker. Kept here with its raw bytes and announced instead.
            if (payload.Length > WireLimits.MaxUplinkPayloadBytes)
            {
                error = $"decoded message is {payload.Length} bytes, over the uplink limit of {WireLimits.MaxUplinkPayloadBytes} bytes; not sent";
                GatewayLog.MessageTooLarge(_log, m.InstrumentId, seq, payload.Length, WireLimits.MaxUplinkPayloadBytes);
            }
        }
        if (m.Decoded is not null && error is null)
        {
            kind = OutboxKinds.Result;
            key = OutboxKinds.ResultKey(m.InstrumentId, m.Decoded.SpecimenId);
            Bind(_insertTranscript, seq, m.InstrumentId, raw, chunks, sha, OutboxDatabase.UnixMs(now));
            _insertTranscript.ExecuteNonQuery();
        }
        else
        {
            // Guarantee 5: what cannot be decoded (or sent) is kept with its raw bytes and announced, never dropped.
            error ??= "decoder returned no message";
            payload = OutboxPayloads.Event(_options.GatewayId, Epoch, seq, new GatewayEvent(EventTypes.Quarantined, m.InstrumentId, m.ReceivedAt,
                Truncate(error, 500), new Dictionary<string, string>
                {
                    ["profile"] = m.Profile,
                    ["protocol"] = m.Protocol,
                    ["transcriptSha256"] = sha,
                    ["bytes"] = raw.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                }));
            kind = OutboxKinds.Event;
            key = OutboxKinds.EventKey(m.InstrumentId);
            Bind(_insertQuarantine, seq, m.InstrumentId, m.Profile, m.Protocol, error, raw, chunks, sha, OutboxDatabase.UnixMs(now));
            _insertQuarantine.ExecuteNonQuery();
        }
        var size = payload.Length + raw.Length;
        var priority = kind == OutboxKinds.Result ? OutboxPriority.Of(m.Decoded) : OutboxPriority.Routine;
        Bind(_insertOutbox, seq, m.InstrumentId, kind, key, payload, size, OutboxDatabase.UnixMs(now), priority);
        _insertOutbox.ExecuteNonQuery();
        // Every part of a message is remembered on its own, so a repeat of any part is caught.
        _repeats.Add(m.InstrumentId, contentHash, seq, now);
        rowsDelta++;
        bytesDelta += size;
        rows.Add((new OutboxRow(seq, m.InstrumentId, kind, key, payload, now, priority), m.ReceivedAt));
        return new(CommitOutcome.Committed, seq);
    }

    private long InsertEvent(GatewayEvent e, DateTimeOffset now, ref long rowsDelta, ref long bytesDelta, List<(OutboxRow, DateTimeOffset)> rows)
    {
        var seq = ++_nextSequence;
        var payload = OutboxPayloads.Event(_options.GatewayId, Epoch, seq, e);
        var key = OutboxKinds.EventKey(e.InstrumentId);
        var instrument = e.InstrumentId ?? "";
        Bind(_insertOutbox, seq, instrument, OutboxKinds.Event, key, payload, payload.Length, OutboxDatabase.UnixMs(now), OutboxPriority.Routine);
        _insertOutbox.ExecuteNonQuery();
        rowsDelta++;
        bytesDelta += payload.Length;
        rows.Add((new OutboxRow(seq, instrument, OutboxKinds.Event, key, payload, now), e.At));
        return seq;
    }

    private bool HasRoom(long rowsDelta, long bytesDelta, long size) =>
        PendingRows + rowsDelta + 1 <= _options.MaxRows && PendingBytes + bytesDelta + size <= _options.MaxBytes;

    private void UpdateFullState(bool refusedForSpace)
    {
        if (refusedForSpace && !_full)
        {
            _full = true;
            GatewayLog.StoreFull(_log, PendingRows, PendingBytes);
        }
        else if (_full && PendingRows < _options.MaxRows * 9 / 10 && PendingBytes < _options.MaxBytes / 10 * 9)
        {
            // Hysteresis: accept again only with real room, so the link does not flap between ACK and NAK.
            _full = false;
            GatewayLog.StoreAcceptingAgain(_log, PendingRows, PendingBytes);
        }
    }

    /// <summary>What makes two messages "the same": the decoded content, or the analyzer's bytes when it did not decode.</summary>
    private static string ContentHash(ReceivedMessage m, byte[] raw)
    {
        if (m.Decoded is { } d && m.DecodeError is null)
            return TranscriptEncoding.Sha256Hex(JsonSerializer.SerializeToUtf8Bytes(d, GatewayJson.Default.DecodedMessage));
        var fromInstrument = m.Transcript.Chunks.Where(c => c.Direction == TranscriptDirection.FromInstrument).SelectMany(c => c.Bytes.ToArray()).ToArray();
        return TranscriptEncoding.Sha256Hex(fromInstrument.Length > 0 ? fromInstrument : raw) + ":" + Encoding.UTF8.GetByteCount(m.DecodeError ?? "");
    }

    private static void Bind(SqliteCommand cmd, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
