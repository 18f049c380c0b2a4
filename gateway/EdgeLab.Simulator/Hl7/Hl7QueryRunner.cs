using EdgeLab.Simulator.Wire;

namespace EdgeLab.Simulator.Hl7;

/// <summary>
/// The instrument side of an HL7 host query over MLLP: the analyzer has read a tube's barcode, sends QRY^Q02
/// (Mindray) or QBP^Q11 for it, reads the host's answer — QCK^Q02 then DSR^Q03, or RSP^K11, or an ACK refusing the
/// query — acknowledges what asks to be acknowledged (DSR^Q03 → ACK^Q03), and prints the outcome as one JSON object
/// (<see cref="Hl7QueryReport"/>). The whole answer must arrive within <see cref="ReplyTimeout"/>.
/// </summary>
internal sealed class Hl7QueryRunner(SimulatorOutput output)
{
    /// <summary>How long the analyzer waits for the complete answer (Mindray BC/BS analyzers give up after about 10–30 s).</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Returns one of <see cref="QueryExitCodes"/>.</summary>
    public async Task<int> RunAsync(Hl7QueryRequest request, Stream connection, CancellationToken cancellationToken)
    {
        var time = output.Time;
        var answers = new List<Hl7QueryAnswer>();
        await using var replies = new ByteReceiver(connection, time);
        var started = time.GetTimestamp();
        try
        {
            var query = Hl7QueryMessageBuilder.Build(request, time.GetUtcNow());
            await SendAsync(connection, query, cancellationToken).ConfigureAwait(false);
            output.Progress($"{request.Kind.MessageType()} for {request.SpecimenId} sent (MSH-10 {request.ControlId}); waiting up to {ReplyTimeout.TotalSeconds:0.#} s for the answer");
            while (true)
            {
                var block = await MllpBlocks.ReadAsync(replies, ReplyTimeout - time.GetElapsedTime(started), time, cancellationToken).ConfigureAwait(false);
                if (block is null)
                {
                    var waitingFor = answers.Count == 0 ? "the host did not answer" : $"after {answers[^1].Header.MessageType} the host sent nothing more";
                    var message = $"{waitingFor} within {ReplyTimeout.TotalSeconds:0.#} s: is the gateway's MLLP listener running and this instrument configured?";
                    output.Progress("error: " + message);
                    output.Machine(Hl7QueryReport.Write(request, Hl7QueryReport.Timeout, answers, time.GetElapsedTime(started), error: message));
                    return QueryExitCodes.Timeout;
                }
                var text = Hl7AnswerParser.Decode(block);
                output.Trace($"MLLP block {block.Length} bytes: {text.Replace('\r', '\n').Split('\n')[0]}");
                Hl7QueryAnswer answer;
                try
                {
                    answer = Hl7AnswerParser.Parse(text, request);
                }
                catch (Hl7AnswerException e)
                {
                    output.Progress($"error: the host's answer cannot be read: {e.Message}");
                    output.Machine(Hl7QueryReport.Write(request, Hl7QueryReport.MalformedAnswer, answers, time.GetElapsedTime(started), e));
                    return QueryExitCodes.MalformedAnswer;
                }
                answers.Add(answer);
                if (answer.AcknowledgeWith is { } code)
                {
                    var ack = Hl7QueryMessageBuilder.BuildAcknowledgement(answer.Header, code, $"A{request.ControlId}-{answers.Count}", time.GetUtcNow());
                    await SendAsync(connection, ack, cancellationToken).ConfigureAwait(false);
                    output.Trace($"acknowledged {answer.Header.MessageType} {answer.Header.ControlId} with {code}");
                }
                if (answer.Outcome == Hl7AnswerOutcome.OrderFollows) continue;
                return Finish(request, answer, answers, time.GetElapsedTime(started));
            }
        }
        catch (SimulatorLinkException e)
        {
            output.Progress($"error: {e.Message}");
            output.Machine(Hl7QueryReport.Write(request, Hl7QueryReport.LinkError, answers, time.GetElapsedTime(started), error: e.Message));
            return QueryExitCodes.LinkFailed;
        }
    }

    private int Finish(Hl7QueryRequest request, Hl7QueryAnswer answer, List<Hl7QueryAnswer> answers, TimeSpan elapsed)
    {
        var (outcome, exit, progress) = answer.Outcome switch
        {
            Hl7AnswerOutcome.Order => (Hl7QueryReport.Order, QueryExitCodes.Order, $"host answered with {answer.Tests.Count} test(s) ordered"),
            Hl7AnswerOutcome.NothingKnown => (Hl7QueryReport.NoOrder, QueryExitCodes.NothingKnown, "host has no order for this specimen (QAK-2 NF)"),
            _ => (Hl7QueryReport.Refused, QueryExitCodes.Refused,
                $"host refused the query: MSA-1 {answer.AckCode}" + (answer.QueryStatus is { } s ? $", QAK-2 {s}" : "") +
                (answer.ConditionCode is { } c ? $", condition {c} {answer.ConditionText}" : "") + (answer.AckText is { } t ? $" ({t})" : "")),
        };
        output.Progress(progress);
        output.Machine(Hl7QueryReport.Write(request, outcome, answers, elapsed));
        return exit;
    }

    private async Task SendAsync(Stream connection, Hl7Message message, CancellationToken cancellationToken)
    {
        var payload = message.ToWire();
        await connection.WriteAsync(MllpBlocks.Wrap(payload), cancellationToken).ConfigureAwait(false);
        await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
        output.Trace($"sent {message.Segments[0].Split('|').ElementAtOrDefault(8)} MLLP block, {payload.Length + 3} bytes");
    }
}
