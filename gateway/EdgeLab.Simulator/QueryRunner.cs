using System.Globalization;
using System.Text;
using EdgeLab.Simulator.Astm;
using EdgeLab.Simulator.Faults;
using EdgeLab.Simulator.Wire;

namespace EdgeLab.Simulator;

/// <summary>
/// The instrument side of an ASTM host query (LIS02-A2 §11, Request Information record): the analyzer has read a
/// tube's barcode and asks the host what to run. It sends H, <c>Q|1|^ID||ALL||||||||O</c>, L; then waits for the
/// host to take the line (ENQ), ACKs its frames and prints the records it got back (H, P, O… L; or L|1|I when the
/// host knows nothing of the specimen).
/// </summary>
internal sealed class QueryRunner(SimulatorOutput output)
{
    /// <summary>How long the analyzer waits for the host's answer (instruments give up around 10–30 s; the VITROS sample cancels after 10 s).</summary>
    public TimeSpan ReplyWait { get; init; } = TimeSpan.FromSeconds(30);

    public AstmSenderOptions Astm { get; init; } = new();

    /// <summary>Returns one of <see cref="QueryExitCodes"/>: order, nothing known, timeout (no answer in time) or link failed.</summary>
    public async Task<int> RunAsync(string specimenId, Stream connection, CancellationToken cancellationToken)
    {
        var stamp = output.Time.GetUtcNow().UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var query = new AstmMessage(new[]
        {
            $"H|\\^&|||EdgeLabSim^query^1.0||||||||LIS2-A2|{stamp}",
            $"Q|1|^{specimenId}||ALL||||||||O",
            "L|1|N",
        }.Select(r => Encoding.Latin1.GetBytes(r)).ToList());
        await using var replies = new ByteReceiver(connection, output.Time);
        var sender = new AstmInstrumentSender(connection, replies, Astm, FaultPlan.None, output);
        var id = $"query-{specimenId}";
        var started = output.Time.GetTimestamp();
        try
        {
            await sender.SendAsync([new OutgoingAstmMessage(id, query)], cancellationToken).ConfigureAwait(false);
            if (sender.Statistics.MessagesFailed > 0) return QueryExitCodes.LinkFailed;
            output.Progress($"query for {specimenId} sent; waiting up to {ReplyWait.TotalSeconds:0} s for the host's answer");
            var receiver = new AstmHostReceiver(connection, replies, output.Time, output);
            var records = await receiver.ReceiveAsync(ReplyWait, cancellationToken).ConfigureAwait(false);
            if (records is null)
            {
                output.Machine($"NOREPLY {id} {output.Stamp()} {specimenId}");
                output.Progress($"error: the host did not answer the query within {ReplyWait.TotalSeconds:0} s: is host query enabled for this instrument in the gateway config?");
                return QueryExitCodes.Timeout;
            }
            var orders = records.Count(r => r.StartsWith("O|", StringComparison.Ordinal) || (r.Length > 1 && r[0] == 'O'));
            output.Machine($"REPLY {id} {output.Stamp()} {records.Count} {output.Time.GetElapsedTime(started).TotalMilliseconds:0} {specimenId}");
            foreach (var record in records) output.Machine("  " + record);
            var noInformation = records.Any(r => r.StartsWith('L') && r.Split(r.Length > 1 ? r[1] : '|').ElementAtOrDefault(2) == "I");
            output.Progress(orders > 0 ? $"host answered with {orders} order record(s)" : noInformation ? "host has no order for this specimen (L|1|I)" : "host answered without an order");
            return orders > 0 ? QueryExitCodes.Order : QueryExitCodes.NothingKnown;
        }
        catch (SimulatorLinkException e)
        {
            output.Progress($"error: {e.Message}");
            return QueryExitCodes.LinkFailed;
        }
    }
}
