using System.Diagnostics;
using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.HostQuery;
using EdgeLab.Instruments.Link.Astm;
using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Message.Lis2;
using EdgeLab.Instruments.Outbound;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Instruments.Application.Astm;

/// <summary>
/// The ASTM message layer of one instrument: decodes each complete H…L message with the instrument's profile, commits
/// it to the outbox before the link layer may ACK (DESIGN.md guarantee 1), quarantines what cannot be decoded with
/// its raw transcript (guarantee 5), and answers host queries from the local order cache.
/// </summary>
/// <remarks>
/// A message carrying a Q record is a question, not a result: it is answered (or, for a cancel, dropped — Q status
/// <c>A</c>, LIS02-A2 §12.1.13) and logged without ids, never committed as a result. One query is answered at a time;
/// another arriving meanwhile is refused (not ACKed), so the instrument repeats it. With the profile's
/// <c>hostQuery: false</c> the cache is never consulted and every query gets <c>L|1|I</c>.
/// </remarks>
internal sealed class AstmMessageProcessor : IAstmMessageHandler
{
    private readonly string _instrumentId;
    private readonly InstrumentProfile _profile;
    private readonly IInstrumentMessageSink _sink;
    private readonly AstmHostQueryResponder _responder;
    private readonly TimeZoneInfo _siteZone;
    private readonly TimeZoneInfo _instrumentZone;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _queryGate = new(1, 1);
    private CancellationTokenSource? _outstandingQuery;

    public AstmMessageProcessor(
        string instrumentId,
        InstrumentProfile profile,
        IInstrumentMessageSink sink,
        IOrderCache orders,
        TimeZoneInfo siteZone,
        TimeProvider time,
        ILogger<AstmMessageProcessor> logger)
    {
        _instrumentId = instrumentId;
        _profile = profile;
        _sink = sink;
        _responder = new AstmHostQueryResponder(orders, time);
        _siteZone = siteZone;
        _instrumentZone = profile.ResolveTimeZone(siteZone);
        _time = time;
        _logger = logger;
    }

    public async ValueTask<AstmMessageOutcome> OnMessageAsync(AstmReceivedMessage message, CancellationToken cancellationToken)
    {
        var interpretation = AstmMessageInterpreter.Interpret(message.Text.Span, _profile, _siteZone);
        if (interpretation.Error is { } e)
        {
            AstmMessageProcessorLog.Quarantined(_logger, _instrumentId, message.Text.Length, e.RecordNumber, e.RecordType, e.Field, e.ByteOffset);
            return await CommitAsync(Received(message, null, e.Message), cancellationToken) ? AstmMessageOutcome.Ack : AstmMessageOutcome.Refuse;
        }
        var decoded = interpretation.Decoded!;
        var parts = interpretation.Parts;
        if (parts.Count == 0)
            return await AnswerQueryAsync(decoded, cancellationToken);

        var resultCount = 0;
        foreach (var part in parts) resultCount += part.Results.Count;
        AstmMessageProcessorLog.Decoded(_logger, _instrumentId, message.Text.Length, decoded.Messages.Count, resultCount);
        for (var i = 0; i < parts.Count; i++)
        {
            // One outbox entry per order (specimen); the transcript of the whole message goes with each.
            if (!await CommitAsync(Received(message, parts[i], null) with { Part = i }, cancellationToken))
                return AstmMessageOutcome.Refuse;
        }
        if (decoded.Queries.Count == 0)
            return AstmMessageOutcome.Ack;
        // Kept; now the question it also asked. A busy query gate must not NAK what is already committed.
        var answer = await AnswerQueryAsync(decoded, cancellationToken);
        return answer.Accepted ? answer : AstmMessageOutcome.Ack;
    }

    public async ValueTask OnIncompleteMessageAsync(AstmReceivedMessage partial, string reason, CancellationToken cancellationToken)
    {
        // Kept for audit as a quarantined entry. The link's reason says whether the instrument will send it again.
        AstmMessageProcessorLog.Incomplete(_logger, _instrumentId, partial.Text.Length, reason);
        await CommitAsync(Received(partial, null, $"incomplete message ({reason})"), cancellationToken);
    }

    private async ValueTask<AstmMessageOutcome> AnswerQueryAsync(Lis2DecodeResult decoded, CancellationToken cancellationToken)
    {
        var query = decoded.Queries[^1];
        if (query.IsCancel)
        {
            // LIS02-A2 §12.1.13 'A': the instrument withdraws its request; stop looking and send nothing.
            Interlocked.Exchange(ref _outstandingQuery, null)?.Cancel();
            AstmMessageProcessorLog.QueryCancelled(_logger, _instrumentId);
            return AstmMessageOutcome.Ack;
        }
        if (!_profile.HostQuery)
        {
            // The profile says this instrument's queries are not served: the order cache is not consulted. LIS02-A2
            // has no "not supported" answer to a Q record; the host replies with a header and a terminator whose
            // termination code is I, "no information available from last query" (§13.1.3) — the answer the standard
            // gives for a query the host cannot serve, after which the analyzer runs what is ordered on it locally.
            // (Q, "error in last request for information", would blame a well-formed request.)
            var none = await _responder.AnswerAsync([], _profile, decoded.Delimiters, _instrumentZone, CancellationToken.None);
            AstmMessageProcessorLog.QueryNotServed(_logger, _instrumentId, decoded.Queries.Sum(q => q.SpecimenIds.Count));
            return new AstmMessageOutcome(true, none.Records);
        }
        if (!await _queryGate.WaitAsync(0, cancellationToken))
        {
            AstmMessageProcessorLog.QueryBusy(_logger, _instrumentId);
            return AstmMessageOutcome.Refuse;
        }
        var started = Stopwatch.GetTimestamp();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_profile.HostQueryTimeoutSeconds), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        Volatile.Write(ref _outstandingQuery, linked);
        try
        {
            var ids = decoded.Queries.SelectMany(q => q.SpecimenIds).ToList();
            HostQueryAnswer answer;
            try
            {
                answer = await _responder.AnswerAsync(ids, _profile, decoded.Delimiters, _instrumentZone, linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !timeout.IsCancellationRequested)
            {
                AstmMessageProcessorLog.QueryCancelled(_logger, _instrumentId);
                return AstmMessageOutcome.Ack; // cancelled by the instrument meanwhile
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                AstmMessageProcessorLog.QueryTimedOut(_logger, _instrumentId, _profile.HostQueryTimeoutSeconds);
                answer = await _responder.AnswerAsync([], _profile, decoded.Delimiters, _instrumentZone, CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                AstmMessageProcessorLog.QueryFailed(_logger, _instrumentId, e);
                answer = await _responder.AnswerAsync([], _profile, decoded.Delimiters, _instrumentZone, CancellationToken.None);
            }
            var elapsedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            AstmMessageProcessorLog.QueryAnswered(_logger, _instrumentId, ids.Count, answer.SpecimensFound, answer.TestCount, answer.TerminationCode, elapsedMs);
            return new AstmMessageOutcome(true, answer.Records);
        }
        finally
        {
            Interlocked.CompareExchange(ref _outstandingQuery, null, linked);
            _queryGate.Release();
        }
    }

    private ReceivedMessage Received(AstmReceivedMessage message, DecodedMessage? decoded, string? error) => new()
    {
        InstrumentId = _instrumentId,
        Profile = _profile.Name,
        Protocol = "astm",
        Transcript = message.Transcript,
        Decoded = decoded,
        DecodeError = error,
        ReceivedAt = message.LastFrameAt,
    };

    private async ValueTask<bool> CommitAsync(ReceivedMessage received, CancellationToken cancellationToken)
    {
        var outcome = await _sink.CommitAsync(received, cancellationToken);
        if (outcome == CommitOutcome.Committed)
            return true;
        AstmMessageProcessorLog.NotCommitted(_logger, _instrumentId, outcome.ToString());
        return false;
    }
}
