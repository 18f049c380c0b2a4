using System.Globalization;

namespace EdgeLab.Simulator.Wire;

/// <summary>
/// Where the simulator tells what happens: one machine-readable line per completed message on stdout (parsed by the
/// demo orchestrator; format in README.md) and human progress on stderr. Thread-safe: generate runs many instruments.
/// </summary>
internal sealed class SimulatorOutput(TextWriter machine, TextWriter progress, TimeProvider time, bool verbose = false)
{
    private readonly object _gate = new();

    public TimeProvider Time => time;

    public static SimulatorOutput Console(TimeProvider time, bool verbose) =>
        new(System.Console.Out, System.Console.Error, time, verbose);

    /// <summary><c>SENT &lt;id&gt; &lt;utc&gt; &lt;specimen&gt;</c>: the first byte of the message is about to go out.</summary>
    public void Started(string id, string? specimen) => Machine($"SENT {id} {Stamp()} {Token(specimen)}");

    /// <summary><c>ACKED &lt;id&gt; &lt;utc&gt; &lt;bytes&gt; &lt;elapsed-ms&gt; &lt;specimen&gt;</c>: the receiver accepted the whole message.</summary>
    public void Acked(string id, int bytes, TimeSpan elapsed, string? specimen) =>
        Machine($"ACKED {id} {Stamp()} {bytes} {elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} {Token(specimen)}");

    /// <summary><c>REJECTED &lt;id&gt; &lt;utc&gt; &lt;code&gt; &lt;specimen&gt;</c>: an HL7 receiver answered AE/AR/CE/CR.</summary>
    public void Rejected(string id, string code, string? specimen) => Machine($"REJECTED {id} {Stamp()} {Token(code)} {Token(specimen)}");

    /// <summary><c>FAILED &lt;id&gt; &lt;utc&gt; &lt;reason&gt; &lt;specimen&gt;</c>: given up on the message (reason is one word).</summary>
    public void Failed(string id, string reason, string? specimen) => Machine($"FAILED {id} {Stamp()} {Token(reason)} {Token(specimen)}");

    /// <summary>Any other machine line (query replies, summaries).</summary>
    public void Machine(string line)
    {
        lock (_gate)
        {
            machine.WriteLine(line);
            machine.Flush();
        }
    }

    public void Progress(string line)
    {
        lock (_gate)
        {
            progress.WriteLine(line);
            progress.Flush();
        }
    }

    /// <summary>Wire-level detail (every frame, ACK and NAK); shown with --verbose.</summary>
    public void Trace(string line)
    {
        if (verbose) Progress("  " + line);
    }

    public string Stamp() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Fields are space-separated; an absent value is <c>-</c> and inner whitespace becomes <c>_</c>.</summary>
    private static string Token(string? value) =>
        string.IsNullOrWhiteSpace(value) ? "-" : string.Join('_', value.Trim().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
