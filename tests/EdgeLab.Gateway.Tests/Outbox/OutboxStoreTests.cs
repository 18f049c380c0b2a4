using System.Text.Json;
using EdgeLab.Contract;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Gateway.Tests.Support;
using EdgeLab.Instruments.Outbound;
using EdgeLab.LocalServices;
using EdgeLab.Testing;
using Microsoft.Data.Sqlite;

namespace EdgeLab.Gateway.Tests.Outbox;

public sealed class OutboxStoreTests : IDisposable
{
    private readonly ScratchDirectory _dir = new("gw-outbox");

    private OutboxOptions Options(long maxRows = 1000) => new() { DatabasePath = _dir.File("gateway.db"), GatewayId = "test-gw01", MaxRows = maxRows };

    [Fact]
    public async Task Committed_messages_survive_reopening_the_file_with_payload_and_transcript()
    {
        var messages = new[] { TestMessages.Result("xn-1", "S100"), TestMessages.Result("xn-1", "S101", "7.9") };
        await using (var store = OutboxStore.Open(Options()))
        {
            foreach (var m in messages) Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(m, default));
        }

        await using var reopened = OutboxStore.Open(Options());
        Assert.Equal(2, reopened.PendingRows);
        var rows = reopened.Reader.ReadPending(1, 10);
        Assert.Equal([1L, 2L], rows.Select(r => r.Sequence));
        var result = JsonSerializer.Deserialize(rows[1].Payload.Span, WireJson.Default.ResultMessage)!;
        Assert.Equal($"test-gw01:{reopened.Epoch}:2", result.MessageId);
        Assert.Equal(2, result.Sequence);
        Assert.Equal("S101", result.SpecimenId);
        Assert.Equal("7.9", result.Results[0].Value);
        var transcript = reopened.Reader.ReadTranscript(2)!;
        Assert.Equal(messages[1].Transcript.ToArray(), transcript.Transcript.ToArray());
        Assert.Equal(messages[1].Transcript.Chunks.Select(c => (c.At, c.Direction)), transcript.Transcript.Chunks.Select(c => (c.At, c.Direction)));
        Assert.Equal(TranscriptEncoding.Sha256Hex(messages[1].Transcript.ToArray()), result.TranscriptSha256);
        Assert.Equal(result.TranscriptSha256, transcript.Sha256);
        // Sequences continue after a reopen: never reused, so a message id is never given twice.
        Assert.Equal(CommitOutcome.Committed, await reopened.CommitAsync(TestMessages.Result("xn-1", "S102"), default));
        Assert.Equal(3, reopened.LastCommittedSequence);
    }

    [Fact]
    public async Task The_epoch_is_made_with_the_store_kept_across_reopens_and_new_for_a_replaced_store()
    {
        string epoch;
        await using (var store = OutboxStore.Open(Options()))
        {
            epoch = store.Epoch;
            Assert.True(MessageId.IsValidEpoch(epoch));
            await store.CommitAsync(TestMessages.Result("xn-1", "S100"), default);
        }
        await using (var reopened = OutboxStore.Open(Options()))
            Assert.Equal(epoch, reopened.Epoch);

        // The SD card is replaced (the data folder wiped): sequence 1 again, but under a new epoch, so a new id.
        SqliteConnection.ClearAllPools();
        foreach (var f in Directory.GetFiles(_dir.Path, "gateway.db*")) File.Delete(f);
        await using var replaced = OutboxStore.Open(Options());
        Assert.NotEqual(epoch, replaced.Epoch);
        await replaced.CommitAsync(TestMessages.Result("xn-1", "S100"), default);
        var row = Assert.Single(replaced.Reader.ReadPending(1, 10));
        Assert.Equal(1, row.Sequence);
        Assert.Equal($"test-gw01:{replaced.Epoch}:1", JsonSerializer.Deserialize(row.Payload.Span, WireJson.Default.ResultMessage)!.MessageId);
    }

    [Fact]
    public async Task A_message_over_the_uplink_limit_is_quarantined_here_with_an_event_and_never_queued_for_publishing()
    {
        await using var store = OutboxStore.Open(Options());
        var normal = TestMessages.Result("xn-1", "S100");
        // 2,000 results of 600 characters each decode to more than WireLimits.MaxUplinkPayloadBytes of JSON.
        var huge = normal with
        {
            Decoded = normal.Decoded! with
            {
                Results = Enumerable.Range(0, 2000).Select(i => new EdgeLab.Instruments.Message.DecodedResult { Code = $"T{i}", Value = new string('9', 600) }).ToList(),
            },
        };

        Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(huge, default));

        var row = Assert.Single(store.Reader.ReadPending(1, 10));
        Assert.Equal(OutboxKinds.Event, row.Kind);
        Assert.True(row.Payload.Length < WireLimits.MaxUplinkPayloadBytes);
        var announced = JsonSerializer.Deserialize(row.Payload.Span, WireJson.Default.EventMessage)!;
        Assert.Equal(EventTypes.Quarantined, announced.Type);
        Assert.Contains("over the uplink limit", announced.Text, StringComparison.Ordinal);
        var kept = Assert.Single(store.Reader.ReadQuarantine());
        Assert.Equal(huge.Transcript.ToArray(), kept.Transcript.ToArray());
        Assert.Contains("over the uplink limit", kept.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_connection_is_WAL_with_synchronous_FULL()
    {
        using var c = OutboxDatabase.Open(_dir.File("gateway.db"));
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar());
        cmd.CommandText = "PRAGMA synchronous";
        Assert.Equal(2L, cmd.ExecuteScalar()); // 2 = FULL
    }

    [Fact]
    public async Task At_the_row_limit_commits_are_refused_with_StoreFull_and_one_alarm_event_is_queued()
    {
        await using var store = OutboxStore.Open(Options(maxRows: 3));
        for (var i = 0; i < 3; i++) Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(TestMessages.Result("xn-1", $"S{i}"), default));
        Assert.Equal(CommitOutcome.StoreFull, await store.CommitAsync(TestMessages.Result("xn-1", "S3"), default));
        Assert.Equal(CommitOutcome.StoreFull, await store.CommitAsync(TestMessages.Result("xn-1", "S4"), default));
        Assert.True(store.IsFull);

        var rows = store.Reader.ReadPending(1, 100);
        var alarms = rows.Where(r => r.Kind == OutboxKinds.Event)
            .Select(r => JsonSerializer.Deserialize(r.Payload.Span, WireJson.Default.EventMessage)!)
            .Where(e => e.Type == EventTypes.StoreFull).ToList();
        Assert.Single(alarms);
        Assert.Equal("3", alarms[0].Data["maxRows"]);

        // The hub acknowledges: room again, accepting again.
        await store.AcknowledgeAsync(rows.Select(r => r.Sequence).ToList());
        Assert.False(store.IsFull);
        Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(TestMessages.Result("xn-1", "S3"), default));
    }

    [Fact]
    public async Task An_undecodable_message_is_quarantined_with_its_bytes_and_announced_by_an_event()
    {
        await using var store = OutboxStore.Open(Options());
        var bad = TestMessages.Garbage("xn-1");
        Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(bad, default));

        var q = Assert.Single(store.Reader.ReadQuarantine());
        Assert.Equal(bad.Transcript.ToArray(), q.Transcript.ToArray());
        Assert.Equal(bad.DecodeError, q.Error);
        var row = Assert.Single(store.Reader.ReadPending(1, 10));
        Assert.Equal(OutboxKinds.Event, row.Kind);
        var e = JsonSerializer.Deserialize(row.Payload.Span, WireJson.Default.EventMessage)!;
        Assert.Equal(EventTypes.Quarantined, e.Type);
        Assert.Equal(q.Sequence, e.Sequence);
        Assert.Equal(q.Sha256, e.Data["transcriptSha256"]);
    }

    [Fact]
    public async Task Concurrent_instruments_share_commits_and_each_keeps_its_call_order()
    {
        await using var store = OutboxStore.Open(Options(maxRows: 100_000));
        var instruments = Enumerable.Range(1, 8).Select(i => $"inst-{i}").ToArray();
        await Task.WhenAll(instruments.Select(async id =>
        {
            for (var n = 0; n < 50; n++)
                Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(TestMessages.Result(id, $"{id}-S{n}", $"{n}.0"), default));
        }));

        var rows = store.Reader.ReadPending(1, 1000);
        Assert.Equal(400, rows.Count);
        foreach (var id in instruments)
        {
            var values = rows.Where(r => r.InstrumentId == id)
                .Select(r => JsonSerializer.Deserialize(r.Payload.Span, WireJson.Default.ResultMessage)!.Results[0].Value).ToList();
            Assert.Equal(Enumerable.Range(0, 50).Select(n => $"{n}.0"), values);
        }
    }

    [Fact]
    public async Task A_repeat_of_the_last_message_after_a_restart_is_acknowledged_without_a_second_row()
    {
        var message = TestMessages.Result("xn-1", "S200");
        await using (var store = OutboxStore.Open(Options()))
            Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(message, default));

        // The gateway died before its ACK reached the analyzer, which sends the same message again.
        await using var reopened = OutboxStore.Open(Options());
        Assert.Equal(CommitOutcome.Committed, await reopened.CommitAsync(message with { ReceivedAt = message.ReceivedAt.AddSeconds(20) }, default));
        Assert.Equal(1, reopened.PendingRows);
        // A different message is stored normally.
        Assert.Equal(CommitOutcome.Committed, await reopened.CommitAsync(TestMessages.Result("xn-1", "S201"), default));
        Assert.Equal(2, reopened.PendingRows);
    }

    [Fact]
    public async Task A_repeat_of_a_message_with_several_orders_is_recognised_in_every_part_not_only_the_last()
    {
        // One ASTM message with two O records is committed as two parts; the analyzer never got the ACK and sends it all again.
        var first = TestMessages.Result("xn-1", "S210");
        var second = TestMessages.Result("xn-1", "S211") with { Transcript = first.Transcript, Part = 1 };
        await using (var store = OutboxStore.Open(Options()))
        {
            Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(first, default));
            Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(second, default));
        }
        await using var reopened = OutboxStore.Open(Options());
        Assert.Equal(CommitOutcome.Committed, await reopened.CommitAsync(first, default));
        Assert.Equal(CommitOutcome.Committed, await reopened.CommitAsync(second, default));
        Assert.Equal(2, reopened.PendingRows);
        // The next message (its first part) starts a new memory: a part of it is new, then its repeat is caught.
        var next = TestMessages.Result("xn-1", "S212");
        Assert.Equal(CommitOutcome.Committed, await reopened.CommitAsync(next, default));
        Assert.Equal(CommitOutcome.Committed, await reopened.CommitAsync(next, default));
        Assert.Equal(3, reopened.PendingRows);
    }

    [Fact]
    public async Task A_repeat_of_an_earlier_message_not_only_the_last_is_acknowledged_without_a_second_row_even_after_a_restart()
    {
        // Issue 10 item 5: only the last message was remembered; an identical earlier one got a second row.
        var time = new FakeTimeProvider(TestMessages.T0);
        var first = TestMessages.Result("xn-1", "S500");
        var second = TestMessages.Result("xn-1", "S501");
        var garbage = TestMessages.Garbage("xn-1");
        await using (var store = OutboxStore.Open(Options(), time))
        {
            Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(first, default));
            Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(garbage, default));
            Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(second, default));
            Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(first, default));
            Assert.Equal(3, store.PendingRows);
        }
        await using var reopened = OutboxStore.Open(Options(), time);
        Assert.Equal(CommitOutcome.Committed, await reopened.CommitAsync(first, default));
        Assert.Equal(CommitOutcome.Committed, await reopened.CommitAsync(garbage, default));
        Assert.Equal(3, reopened.PendingRows);
        // The same message from another instrument is not a repeat.
        Assert.Equal(CommitOutcome.Committed, await reopened.CommitAsync(first with { InstrumentId = "xn-2" }, default));
        Assert.Equal(4, reopened.PendingRows);
    }

    [Fact]
    public async Task The_repeat_window_ends_after_its_time_and_after_its_message_count()
    {
        var time = new FakeTimeProvider(TestMessages.T0);
        await using var store = OutboxStore.Open(Options() with { RepeatWindow = TimeSpan.FromMinutes(10), RepeatWindowMessages = 3 }, time);
        var first = TestMessages.Result("xn-1", "S600");
        await store.CommitAsync(first, default);
        time.Advance(TimeSpan.FromMinutes(9));
        await store.CommitAsync(first, default);
        Assert.Equal(1, store.PendingRows);
        time.Advance(TimeSpan.FromMinutes(2)); // 11 minutes after it was stored: a new message, stored again
        await store.CommitAsync(first, default);
        Assert.Equal(2, store.PendingRows);

        // Count: three newer messages push it out of the window.
        foreach (var id in new[] { "S601", "S602", "S603" }) await store.CommitAsync(TestMessages.Result("xn-1", id), default);
        Assert.Equal(5, store.PendingRows);
        await store.CommitAsync(TestMessages.Result("xn-1", "S602"), default);
        Assert.Equal(5, store.PendingRows);
        await store.CommitAsync(first, default);
        Assert.Equal(6, store.PendingRows);
    }

    [Fact]
    public async Task Acked_rows_leave_the_outbox_but_their_transcripts_stay_for_the_retention_period()
    {
        var time = new FakeTimeProvider(TestMessages.T0);
        await using var store = OutboxStore.Open(Options() with { TranscriptRetention = TimeSpan.FromDays(90) }, time);
        await store.CommitAsync(TestMessages.Result("xn-1", "S300"), default);
        Assert.Equal(1, await store.AcknowledgeAsync([1]));
        Assert.Equal(0, store.PendingRows);
        Assert.Empty(store.Reader.ReadPending(1, 10));
        Assert.Equal(TestMessages.T0, store.Reader.ReadTranscript(1)!.AckedAt);

        time.Advance(TimeSpan.FromDays(89));
        Assert.Equal(0, await store.PurgeTranscriptsAsync());
        Assert.NotNull(store.Reader.ReadTranscript(1));
        time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, await store.PurgeTranscriptsAsync());
        Assert.Null(store.Reader.ReadTranscript(1));
    }

    [Fact]
    public async Task A_failing_database_refuses_with_Failed_instead_of_throwing()
    {
        await using var store = OutboxStore.Open(Options());
        // Another process holds the write lock past the busy timeout: the commit must come back Failed (link layer NAKs).
        using var other = OutboxDatabase.Open(_dir.File("gateway.db"));
        using (var pragma = other.CreateCommand())
        {
            pragma.CommandText = "PRAGMA busy_timeout=0";
            pragma.ExecuteNonQuery();
        }
        using var tx = other.BeginTransaction(deferred: false);
        using var lockCmd = other.CreateCommand();
        lockCmd.Transaction = tx;
        lockCmd.CommandText = "INSERT INTO last_message (instrument_id, content_sha256, seq, at) VALUES ('lock', '', 0, 0)";
        lockCmd.ExecuteNonQuery();
        var outcome = await store.CommitAsync(TestMessages.Result("xn-1", "S400"), default).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(CommitOutcome.Failed, outcome);
        tx.Rollback();
        Assert.Equal(CommitOutcome.Committed, await store.CommitAsync(TestMessages.Result("xn-1", "S400"), default));
        Assert.Equal(1, store.PendingRows);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
