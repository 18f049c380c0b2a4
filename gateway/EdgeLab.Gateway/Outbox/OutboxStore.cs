using System.Threading.Channels;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Instruments.Outbound;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Outbox;

/// <summary>
/// The durable outbox (DESIGN.md guarantees 1, 3, 4, 5). Link layers commit complete messages here before they ACK the
/// analyzer; the uplink reads rows in sequence order and removes them only on the hub's end-to-end ack.
/// </summary>
/// <remarks>
/// All writes go through one writer task over a <see cref="Channel{T}"/>: it takes whatever requests are waiting (up to
/// <see cref="OutboxOptions.MaxBatch"/>) and commits them in one transaction, so many instruments committing at once
/// share one fsync (group commit) while each caller still returns only after its own row is durable. One writer also
/// means sequences are handed out in commit order, which keeps each instrument's messages in call order.
/// </remarks>
internal sealed partial class OutboxStore : IInstrumentMessageSink, IAsyncDisposable
{
    private readonly OutboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly PipelineTrace _trace;
    private readonly Channel<OutboxWriteRequest> _requests = Channel.CreateUnbounded<OutboxWriteRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<OutboxRow> _committed = Channel.CreateBounded<OutboxRow>(new BoundedChannelOptions(1024)
    {
        // A full channel means the uplink is behind or offline; the rows are on disk and its cursor will read them.
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });
    private readonly SqliteConnection _writeConnection;
    private readonly OutboxReader _reader;
    private readonly Task _writer;
    private long _nextSequence;
    private long _pendingRows;
    private long _pendingBytes;
    private long _lastCommitted;
    private volatile bool _full;

    private OutboxStore(OutboxOptions options, TimeProvider time, ILogger log, PipelineTrace trace, SqliteConnection writeConnection)
    {
        _options = options;
        _time = time;
        _log = log;
        _trace = trace;
        _writeConnection = writeConnection;
        Epoch = OutboxDatabase.ReadEpoch(writeConnection);
        _reader = new OutboxReader(OutboxDatabase.Open(options.DatabasePath));
        LoadCounters();
        PrepareCommands();
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Opens (or creates) the outbox database; existing unacknowledged rows stay pending.</summary>
    public static OutboxStore Open(OutboxOptions options, TimeProvider? time = null, ILogger? log = null, PipelineTrace? trace = null)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath));
        if (dir is not null) Directory.CreateDirectory(dir);
        var connection = OutboxDatabase.Open(options.DatabasePath);
        try
        {
            OutboxDatabase.EnsureSchema(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return new OutboxStore(options, time ?? TimeProvider.System, log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, trace ?? PipelineTrace.None, connection);
    }

    public OutboxOptions Options => _options;

    /// <summary>This store's epoch, part of every message id it hands out (<c>{gateway}:{epoch}:{sequence}</c>).</summary>
    public string Epoch { get; }

    /// <summary>Rows the hub has not acknowledged yet.</summary>
    public long PendingRows => Interlocked.Read(ref _pendingRows);

    /// <summary>Bytes (payload + raw transcript) the hub has not acknowledged yet.</summary>
    public long PendingBytes => Interlocked.Read(ref _pendingBytes);

    /// <summary>The highest sequence committed so far.</summary>
    public long LastCommittedSequence => Interlocked.Read(ref _lastCommitted);

    /// <summary>True from reaching the limit until the backlog falls below 90 % of it.</summary>
    public bool IsFull => _full;

    /// <summary>Rows as they commit, for the uplink's live lane. Lossy when the reader lags: the rows are in the database anyway.</summary>
    public ChannelReader<OutboxRow> Committed => _committed.Reader;

    public OutboxReader Reader => _reader;

    /// <inheritdoc />
    public async ValueTask<CommitOutcome> CommitAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var result = await SubmitAsync(OutboxWriteRequest.ForMessage(message), cancellationToken).ConfigureAwait(false);
        return result.Outcome;
    }

    /// <summary>Puts an event through the outbox; returns its sequence, or null when the store is full or failed.</summary>
    public async ValueTask<long?> AddEventAsync(GatewayEvent gatewayEvent, CancellationToken cancellationToken = default)
    {
        var result = await SubmitAsync(OutboxWriteRequest.ForEvent(gatewayEvent), cancellationToken).ConfigureAwait(false);
        return result.Outcome == CommitOutcome.Committed ? result.Sequence : null;
    }

    /// <summary>The hub committed these sequences: remove their rows and start their transcripts' retention clock.</summary>
    public async ValueTask<long> AcknowledgeAsync(IReadOnlyList<long> sequences, CancellationToken cancellationToken = default)
    {
        if (sequences.Count == 0) return 0;
        var result = await SubmitAsync(OutboxWriteRequest.ForAcks(sequences), cancellationToken).ConfigureAwait(false);
        return result.Sequence;
    }

    /// <summary>Deletes transcripts acknowledged longer ago than the retention period; returns how many.</summary>
    public async ValueTask<long> PurgeTranscriptsAsync(CancellationToken cancellationToken = default)
    {
        var result = await SubmitAsync(OutboxWriteRequest.ForPurge(_time.GetUtcNow() - _options.TranscriptRetention), cancellationToken).ConfigureAwait(false);
        return result.Sequence;
    }

    private async ValueTask<OutboxWriteResult> SubmitAsync(OutboxWriteRequest request, CancellationToken cancellationToken)
    {
        if (!_requests.Writer.TryWrite(request)) return new OutboxWriteResult(CommitOutcome.Failed, 0);
        // The caller may stop waiting, but the request stays queued: once written it will commit, and the link
        // layer simply does not ACK (the analyzer resends; the hub dedupes nothing here because the row is new).
        return await request.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void LoadCounters()
    {
        using var cmd = _writeConnection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*), COALESCE(SUM(size), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0) FROM outbox";
        using var r = cmd.ExecuteReader();
        r.Read();
        _pendingRows = r.GetInt64(0);
        _pendingBytes = r.GetInt64(1);
        _nextSequence = r.GetInt64(2);
        _lastCommitted = _nextSequence;
        _full = _pendingRows >= _options.MaxRows || _pendingBytes >= _options.MaxBytes;
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _committed.Writer.TryComplete();
        DisposeCommands();
        _writeConnection.Dispose();
        _reader.Dispose();
    }
}
