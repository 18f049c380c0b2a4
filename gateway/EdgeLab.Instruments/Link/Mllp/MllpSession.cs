using System.IO.Pipelines;
using System.Text;
using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.HostQuery;
using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Message.Hl7;
using EdgeLab.Instruments.Outbound;
using EdgeLab.Instruments.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Instruments.Link.Mllp;

/// <summary>
/// The gateway (receiving) side of HL7 v2 over MLLP for one instrument connection. For every block: decode, hand
/// the message to the sink (decoded, or quarantined with its error and raw bytes), and only after the sink has
/// answered send the acknowledgement (DESIGN.md guarantee 1). Host queries (QRY^Q02, QBP^Q11) are answered from the
/// order cache. Bad input never ends the session.
/// </summary>
/// <remarks>
/// Acknowledgement (HL7 v2.5 §2.9): original mode — AA committed, AE store full or failed (the analyzer keeps the
/// message and resends), AR unparseable or unsupported (already quarantined). Enhanced mode (MSH-15/MSH-16 valued,
/// §2.9.3) — accept acknowledgement CA / CE / CR as MSH-15 asks (empty = always), then an application
/// acknowledgement AA / AE / AR as MSH-16 asks.
/// </remarks>
public sealed class MllpSession : IInstrumentProtocolSession
{
    private readonly string _instrumentId;
    private readonly Hl7DialectSettings _dialect;
    private readonly IInstrumentMessageSink _sink;
    private readonly IOrderCache _orders;
    private readonly TimeProvider _time;
    private readonly TimeZoneInfo _zone;
    private readonly ILogger _logger;
    private int _controlCounter;

    /// <param name="instrumentId">The instrument this connection belongs to (goes into every <see cref="ReceivedMessage"/>).</param>
    /// <param name="profile">Its dialect profile (<c>protocol: hl7</c>).</param>
    /// <param name="sink">Where complete messages are committed before they are acknowledged.</param>
    /// <param name="orders">Answers host queries.</param>
    /// <param name="time">Clock for timestamps.</param>
    /// <param name="siteZone">The site's time zone (HL7 times without offset are local to the instrument).</param>
    public MllpSession(string instrumentId, InstrumentProfile profile, IInstrumentMessageSink sink, IOrderCache orders,
        TimeProvider time, TimeZoneInfo siteZone, ILogger<MllpSession>? logger = null)
    {
        _instrumentId = instrumentId;
        Profile = profile;
        _dialect = Hl7DialectSettings.From(profile);
        _sink = sink;
        _orders = orders;
        _time = time;
        _zone = profile.ResolveTimeZone(siteZone);
        _logger = logger ?? NullLogger<MllpSession>.Instance;
    }

    public InstrumentProfile Profile { get; }

    /// <summary>Bytes skipped outside blocks, and blocks discarded for size, since the session started.</summary>
    public long JunkBytes { get; private set; }

    public int OversizedBlocks { get; private set; }

    public async Task RunAsync(Stream connection, CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(connection, new StreamPipeReaderOptions(leaveOpen: true));
        var frames = new MllpFrameReader(_dialect.MaxMessageSize);
        DateTimeOffset? firstByteAt = null;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = read.Buffer;
                if (!buffer.IsEmpty) firstByteAt ??= _time.GetUtcNow();
                while (frames.TryRead(ref buffer, read.IsCompleted, out var item))
                {
                    switch (item.Kind)
                    {
                        case MllpItemKind.Block:
                            if (item.MissingTrailingCr) MllpSessionLog.MissingTrailingCr(_logger, _instrumentId, item.StreamOffset);
                            var wire = System.Buffers.BuffersExtensions.ToArray(item.Wire);
                            await OnBlockAsync(connection, wire, item, firstByteAt ?? _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                            break;
                        case MllpItemKind.Junk:
                            JunkBytes += item.Length;
                            MllpSessionLog.JunkSkipped(_logger, _instrumentId, item.Length, item.StreamOffset);
                            break;
                        case MllpItemKind.TooLarge:
                            OversizedBlocks++;
                            MllpSessionLog.BlockTooLarge(_logger, _instrumentId, item.Length, item.StreamOffset, _dialect.MaxMessageSize);
                            break;
                    }
                    firstByteAt = buffer.IsEmpty ? null : _time.GetUtcNow();
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted) return;
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task OnBlockAsync(Stream connection, byte[] wire, MllpItem item, DateTimeOffset firstByteAt, CancellationToken ct)
    {
        var payload = wire.AsMemory(1, (int)item.Payload.Length);
        Hl7Message? message = null;
        Hl7Header? header = null;
        DecodedMessage? decoded = null;
        Hl7Error? error = null;
        try
        {
            message = Hl7MessageDecoder.Parse(payload, _dialect);
            header = Hl7Header.Read(message);
            MllpSessionLog.BlockReceived(_logger, _instrumentId, item.Length, item.StreamOffset, header.MessageType);
            if (Hl7MessageTypes.IsAcknowledgement(header))
            {
                MllpSessionLog.AcknowledgementReceived(_logger, _instrumentId, header.MessageType);
                return;
            }
            if (Hl7MessageTypes.IsQryQ02(header) || Hl7MessageTypes.IsQbpQ11(header))
            {
                if (Profile.HostQuery)
                    await AnswerQueryAsync(connection, message, header, ct).ConfigureAwait(false);
                else
                    await RejectQueryAsync(connection, message, header, ct).ConfigureAwait(false);
                return;
            }
            decoded = Hl7MessageDecoder.DecodeResults(message, header, _dialect, _zone);
        }
        catch (Hl7Exception e)
        {
            error = e.Error;
            MllpSessionLog.Quarantined(_logger, _instrumentId, error.Kind.ToString(), error.SegmentIndex, error.Field, error.ByteOffset);
        }

        var received = new ReceivedMessage
        {
            InstrumentId = _instrumentId,
            Profile = Profile.Name,
            Protocol = "hl7",
            Transcript = new Transcript([new TranscriptChunk(firstByteAt, TranscriptDirection.FromInstrument, wire)]),
            Decoded = decoded,
            DecodeError = error?.ToString(),
            ReceivedAt = _time.GetUtcNow(),
        };
        CommitOutcome outcome;
        try
        {
            outcome = await _sink.CommitAsync(received, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            MllpSessionLog.CommitThrew(_logger, _instrumentId, e);
            outcome = CommitOutcome.Failed;
        }
        await AcknowledgeAsync(connection, message, header, outcome, error, ct).ConfigureAwait(false);
    }

    private async Task AcknowledgeAsync(Stream connection, Hl7Message? message, Hl7Header? header, CommitOutcome outcome, Hl7Error? error, CancellationToken ct)
    {
        var delimiters = message?.Delimiters ?? Hl7Delimiters.Default;
        var encoding = message?.Encoding ?? Encoding.Latin1;
        var stored = outcome == CommitOutcome.Committed;
        var text = !stored
            ? (outcome == CommitOutcome.StoreFull ? "store full, resend later" : "store failed, resend later")
            : error is null ? null : $"{error.Kind} (condition {error.ConditionCode}), kept in quarantine";

        var acks = new List<string>(2);
        if (header is { EnhancedMode: true })
        {
            // HL7 v2.5 §2.9.3: accept (commit) acknowledgement per MSH-15, application acknowledgement per MSH-16.
            var commit = !stored ? Hl7AckCode.CommitError : error is null ? Hl7AckCode.CommitAccept : Hl7AckCode.CommitReject;
            if (Wanted(header.AcceptAckType.Length == 0 ? "AL" : header.AcceptAckType, commit == Hl7AckCode.CommitAccept)) acks.Add(commit);
            var app = !stored ? Hl7AckCode.ApplicationError : error is null ? Hl7AckCode.ApplicationAccept : Hl7AckCode.ApplicationReject;
            if (Wanted(header.ApplicationAckType, app == Hl7AckCode.ApplicationAccept)) acks.Add(app);
        }
        else
        {
            acks.Add(!stored ? Hl7AckCode.ApplicationError : error is null ? Hl7AckCode.ApplicationAccept : Hl7AckCode.ApplicationReject);
        }

        foreach (var code in acks)
        {
            var ack = Hl7Acknowledgement.Build(header, delimiters, code, text, NextControlId(), _time.GetUtcNow(), _zone);
            await SendAsync(connection, ack.ToBytes(encoding), ct).ConfigureAwait(false);
            MllpSessionLog.Acknowledged(_logger, _instrumentId, header?.MessageType ?? "?", header?.ControlId ?? "", code);
        }
    }

    /// <summary>Table 0155: AL always, NE never, ER only on error/reject, SU only on success.</summary>
    private static bool Wanted(string condition, bool success) => condition switch
    {
        "AL" => true,
        "ER" => !success,
        "SU" => success,
        _ => false,
    };

    private async Task AnswerQueryAsync(Stream connection, Hl7Message message, Hl7Header header, CancellationToken ct)
    {
        var query = Hl7HostQuery.Read(message, header);
        CachedOrder? order = null;
        try
        {
            order = await _orders.FindBySpecimenAsync(query.SpecimenId, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            MllpSessionLog.OrderCacheThrew(_logger, _instrumentId, e);
        }
        var codes = order is null ? [] : TestCodes(order);
        var now = _time.GetUtcNow();
        IReadOnlyList<Hl7MessageBuilder> replies = Hl7MessageTypes.IsQryQ02(header)
            ? Hl7QryQ02Reply.Build(query, message, order, codes, NextControlId, now, _zone)
            : [Hl7RspK11Reply.Build(query, message, order, codes, NextControlId(), now, _zone)];
        foreach (var reply in replies)
            await SendAsync(connection, reply.ToBytes(message.Encoding), ct).ConfigureAwait(false);
        MllpSessionLog.QueryAnswered(_logger, _instrumentId, header.MessageType, order is not null, codes.Count);
    }

    /// <summary>
    /// The profile says this instrument's host queries are not served (<c>hostQuery: false</c>): the order cache is
    /// not consulted and the query is rejected as a message type this receiver does not take — HL7 v2.5 §2.9.2, a
    /// general ACK with MSA-1 <c>AR</c> and Table 0357 condition 200 "Unsupported message type". A "no data found"
    /// reply (QAK-2 <c>NF</c>) would tell the analyzer the gateway looked and the specimen has no order, which is
    /// not true; the reject tells the operator to enter the work order at the analyzer.
    /// </summary>
    private async Task RejectQueryAsync(Stream connection, Hl7Message message, Hl7Header header, CancellationToken ct)
    {
        var reject = Hl7Acknowledgement.Reject(header, message.Delimiters, Hl7QueryRejection.ConditionCode, Hl7QueryRejection.ConditionText,
            Hl7QueryRejection.Text, NextControlId(), _time.GetUtcNow(), _zone);
        await SendAsync(connection, reject.ToBytes(message.Encoding), ct).ConfigureAwait(false);
        MllpSessionLog.QueryRejected(_logger, _instrumentId, header.MessageType, header.ControlId);
    }

    /// <summary>The analyzer's codes for this profile (<see cref="CachedOrderTest.InstrumentCodes"/>); tests it cannot run are left out.</summary>
    private List<string> TestCodes(CachedOrder order)
    {
        var codes = new List<string>(order.Tests.Count);
        foreach (var t in order.Tests)
            if (t.InstrumentCodes.TryGetValue(Profile.Name, out var code) && !string.IsNullOrWhiteSpace(code)) codes.Add(code);
        return codes;
    }

    private static async Task SendAsync(Stream connection, byte[] message, CancellationToken ct)
    {
        await connection.WriteAsync(MllpFraming.Wrap(message), ct).ConfigureAwait(false);
        await connection.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>MSH-10 for messages the gateway sends: time to the second plus a counter, unique per connection (≤ 20 chars, HL7 v2.5 §2.15.9.10).</summary>
    private string NextControlId()
    {
        var n = Interlocked.Increment(ref _controlCounter) % 10000;
        return $"{TimeZoneInfo.ConvertTime(_time.GetUtcNow(), _zone):yyMMddHHmmss}{n:D4}";
    }
}
