using System.Globalization;

namespace EdgeLab.Bench.Cluster;

/// <summary>
/// The flags of <c>bench/run.sh chaos|soak</c>: <c>--kills N</c> (chaos: SIGKILLs and SIGSTOP/SIGCONT pauses),
/// <c>--duration S</c> (chaos: the span the kills are spread over; soak: the soak's length), <c>--seed N</c>,
/// <c>--rate R</c> (result messages per second per gateway) and <c>--gateways G</c>.
/// </summary>
internal sealed record ClusterBenchOptions
{
    public int Kills { get; init; } = 20;
    public TimeSpan? Duration { get; init; }
    public int Seed { get; init; } = 20261205;
    public double Rate { get; init; } = 10;
    public int Gateways { get; init; } = 6;

    public const string Usage =
        """
        bench/run.sh chaos [--kills N] [--duration S] [--seed N] [--rate R] [--gateways G]
          3 edgelab-hub nodes on PostgreSQL + Mosquitto, G gateways (one lab each, default 6) publishing R result
          messages/s each (default 10), referrals registered meanwhile (orders), every 50th message critical (webhooks).
          First a peer phase: the same load and N marks 3 s apart with no fault; then N faults (default 20) spread over
          S seconds (default 12 s per fault): 2 in 3 SIGKILL + restart, the rest SIGSTOP for 0.5-3 s + SIGCONT, on seeded
          random nodes. Prints per fault: ingest resumed (kill -> next commit by any node), the killed node's order
          streams and webhooks running elsewhere, declared dead, rejoined; p50/p99/max beside the peer phase; then lost
          and doubled results counted against what the gateways published.
        bench/run.sh soak [--duration S] [--rate R] [--gateways G]
          The same cluster under steady load for S seconds (default 600), no faults: membership events as they happen,
          per minute ingest latency (publish -> end-to-end ack) p50/p99/max, order and webhook latency, load average;
          fails when any node is declared dead (a false death).
        """;

    /// <summary>Splits the bench's arguments into benchmark names and these options; throws on a malformed flag.</summary>
    public static (string[] Names, ClusterBenchOptions Options) Parse(string[] args)
    {
        var names = new List<string>();
        var options = new ClusterBenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value ({Usage.Split('\n')[0].Trim()})");
            double Number(string flag, string text) =>
                double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0
                    ? n
                    : throw new ArgumentException($"{flag} '{text}' is not a positive number");
            switch (args[i])
            {
                case "--kills": options = options with { Kills = (int)Number("--kills", Value()) }; break;
                case "--duration": options = options with { Duration = TimeSpan.FromSeconds(Number("--duration", Value())) }; break;
                case "--seed": options = options with { Seed = (int)Number("--seed", Value()) }; break;
                case "--rate": options = options with { Rate = Number("--rate", Value()) }; break;
                case "--gateways": options = options with { Gateways = (int)Number("--gateways", Value()) }; break;
                default: names.Add(args[i]); break;
            }
        }
        return (names.ToArray(), options);
    }
}
