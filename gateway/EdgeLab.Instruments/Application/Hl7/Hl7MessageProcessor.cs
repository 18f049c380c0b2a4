using System.Text;
using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.HostQuery;
using EdgeLab.Instruments.Link.Mllp;
using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Message.Hl7;
using EdgeLab.Instruments.Outbound;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Instruments.Application.Hl7;

/// <summary>
/// The HL7 v2 application layer of one instrument, beside <see cref="Astm.AstmMessageProcessor"/>: for every message
/// the MLLP link hands up, decode it (<see cref="Hl7MessageDecoder"/>, the same decoder <c>decode</c> uses), commit it
/// to the outbox (decoded, or quarantined with its error and raw bytes) and only then build the acknowledgement
/// (DESIGN.md guarantee 1); host queries (QRY^Q02, QBP^Q11) are answered from the order cache. Returns the replies for
/// the link to send; it never sees the connection, so the link imports only the transport (issue 10: HL7 decoding,
/// committing, ACKing and host queries all lived inside the link's <c>MllpSession</c>).
/// </summary>
/// <remarks>
/// Acknowledgement (HL7 v2.5 §2.9): original mode — AA committed, AE store full or failed (the analyzer keeps the
/// message and resends), AR unparseable or unsupported (already quarantined). Enhanced mode (MSH-15/MSH-16 valued,
/// §2.9.3) — accept acknowledgement CA / CE / CR as MSH-15 asks (empty = always), then an application
/// acknowledgement AA / AE / AR as MSH-16 asks.
/// </remarks>
internal sealed class Hl7MessageProcessor : IMllpMessageHandler
{
    private readonly string _instrumentId;
    private readonly Hl7DialectSettings _dialect;
    private readonly IInstrumentMessageSink _sink;
    private readonly IOrderCache _orders;
    private readonly TimeProvider _time;
    private readonly TimeZoneInfo _zone;
    private readonly ILogger _logger;
    private int _controlCounter;

    public Hl7MessageProcessor(string instrumentId, InstrumentProfile profile, IInstrumentMessageSink sink, IOrderCache orders,
        TimeProvider time, TimeZoneInfo siteZone, ILogger? logger = null)
    {
        _instrumentId = instrumentId;
        Profile = profile;
        _dialect = Hl7DialectSettings.From(profile);
        _sink = sink;
        _orders = orders;
        _time = time;
        _zone = profile.ResolveTimeZone(siteZone);
        _logger = logger ?? NullLogger.Instance;
    }

    public InstrumentProfile Profile { get; }

    /// <summary>Largest message the dialect accepts (the link discards larger blocks).</summary>
    public int MaxMessageSize => _dialect.MaxMessageSize;

    /// <summary>Handles one message; <paramref name="wire"/> is the whole block, VT first, payload after it.</summary>
    /// <returns>The replies to send, in order (unframed): acknowledgements or a query answer; empty for an ACK received.</returns>
    public async Task<IReadOnlyList<byte[]>> OnMessageAsync(byte[] wire, int payloadLength, DateTimeOffset firstByteAt, CancellationToken ct)
    {
        var replies = new List<byte[]>(2);
        var payload = wire.AsMemory(1, payloadLength);
        Hl7Message? message = null;
        Hl7Header? header = null;
        DecodedMessage? decoded = null;
        Hl7Error? error = null;
        try
        {
            message = Hl7MessageDecoder.Parse(payload, _dialect);
            header = Hl7Header.Read(message);
            MllpSessionLog.BlockReceived(_logger, _instrumentId, wire.Length, 0, header.MessageType);
            if (Hl7MessageTypes.IsAcknowledgement(header))
            {
                MllpSessionLog.AcknowledgementReceived(_logger, _instrumentId, header.MessageType);
                return replies;
            }
            if (Hl7MessageTypes.IsQryQ02(header) || Hl7MessageTypes.IsQbpQ11(header))
            {
                if (Profile.HostQuery)
                    await AnswerQueryAsync(replies, message, header, ct).ConfigureAwait(false);
                else
                    RejectQuery(replies, message, header);
                return replies;
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
        Acknowledge(replies, message, header, outcome, error);
        return replies;
    }

    private void Acknowledge(List<byte[]> replies, Hl7Message? message, Hl7Header? header, CommitOutcome outcome, Hl7Error? error)
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
            replies.Add(ack.ToBytes(encoding));
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

    private async Task AnswerQueryAsync(List<byte[]> replies, Hl7Message message, Hl7Header header, CancellationToken ct)
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
        IReadOnlyList<Hl7MessageBuilder> answers = Hl7MessageTypes.IsQryQ02(header)
            ? Hl7QryQ02Reply.Build(query, message, order, codes, NextControlId, now, _zone)
            : [Hl7RspK11Reply.Build(query, message, order, codes, NextControlId(), now, _zone)];
        foreach (var reply in answers)
            replies.Add(reply.ToBytes(message.Encoding));
        MllpSessionLog.QueryAnswered(_logger, _instrumentId, header.MessageType, order is not null, codes.Count);
    }

    /// <summary>
    /// The profile says this instrument's host queries are not served (<c>hostQuery: false</c>): the order cache is
    /// not consulted and the query is rejected as a message type this receiver does not take — HL7 v2.5 §2.9.2, a
    /// general ACK with MSA-1 <c>AR</c> and Table 0357 condition 200 "Unsupported message type". A "no data found"
    /// reply (QAK-2 <c>NF</c>) would tell the analyzer the gateway looked and the specimen has no order, which is
    /// not true; the reject tells the operator to enter the work order at the analyzer.
    /// </summary>
    private void RejectQuery(List<byte[]> replies, Hl7Message message, Hl7Header header)
    {
        var reject = Hl7Acknowledgement.Reject(header, message.Delimiters, Hl7QueryRejection.ConditionCode, Hl7QueryRejection.ConditionText,
            Hl7QueryRejection.Text, NextControlId(), _time.GetUtcNow(), _zone);
        replies.Add(reject.ToBytes(message.Encoding));
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

    /// <summary>MSH-10 for messages the gateway sends: time to the second plus a counter, unique per connection (≤ 20 chars, HL7 v2.5 §2.15.9.10).</summary>
    private string NextControlId()
    {
        var n = Interlocked.Increment(ref _controlCounter) % 10000;
        return $"{TimeZoneInfo.ConvertTime(_time.GetUtcNow(), _zone):yyMMddHHmmss}{n:D4}";
    }
}
