using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Link.Mllp;
using EdgeLab.Instruments.Message.Hl7;

namespace EdgeLab.Bench.Hl7;

/// <summary>
/// HL7 decode throughput on one core: MLLP wire bytes → blocks → segments and fields (every field located), and
/// → <c>DecodedMessage</c>, beside the serial line's own limit (9600 baud, 8N1 ≈ 960 bytes/s). Issue 3 target:
/// ≥ 100 MB/s per core to segments and fields.
/// </summary>
public static class Hl7DecodeBenchmark
{
    private const double SerialBytesPerSecond = 960;
    private const double TargetMegabytesPerSecond = 100;

    public static void Run(TextWriter output)
    {
        var corpus = Corpus();
        var wire = Wire(corpus, targetBytes: 8 * 1024 * 1024, out var messagesPerPass);
        var profile = new InstrumentProfile { Name = "mindray-bc5380", Protocol = "hl7" };
        var settings = Hl7DialectSettings.From(profile);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"HL7 decode (single thread): {corpus.Count} messages in the corpus (Mindray BC-5380 sample{(corpus.Count == 3 ? "" : " NOT FOUND")}, synthetic OUL^R22, synthetic ISO 8859/5 ORU), {wire.Length / 1e6:0.0} MB of MLLP bytes per pass"));
        var fields = Measure(wire, messagesPerPass, block => CountFields(Hl7MessageDecoder.Parse(block, settings)));
        Report(output, "MLLP → segments and fields", wire.Length, messagesPerPass, fields);
        var decoded = Measure(wire, messagesPerPass, block =>
        {
            var m = Hl7MessageDecoder.Parse(block, settings);
            return Hl7MessageDecoder.DecodeResults(m, Hl7Header.Read(m), settings, TimeZoneInfo.Utc).Results.Count;
        });
        Report(output, "MLLP → DecodedMessage", wire.Length, messagesPerPass, decoded);
        output.WriteLine($"  target ≥ {TargetMegabytesPerSecond:0} MB/s to segments and fields: {(fields.BytesPerSecond / 1e6 >= TargetMegabytesPerSecond ? "met" : "NOT met")}");
    }

    /// <summary>Rates per second of CPU time (per core: the machine may be shared), and per second of wall time.</summary>
    private sealed record Timing(double BytesPerSecond, double MessagesPerSecond, double WallBytesPerSecond, long Checksum);

    private static Timing Measure(byte[] wire, int messagesPerPass, Func<ReadOnlyMemory<byte>, int> work)
    {
        Pass(wire, work); // warm-up (JIT, tiering)
        Pass(wire, work);
        var bestCpu = double.MaxValue;
        var bestWall = double.MaxValue;
        long checksum = 0;
        var process = Process.GetCurrentProcess();
        for (var i = 0; i < 5; i++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            checksum += Pass(wire, work);
            var wall = sw.Elapsed.TotalSeconds;
            process.Refresh();
            bestCpu = Math.Min(bestCpu, Math.Max((process.TotalProcessorTime - cpu0).TotalSeconds, 1e-6));
            bestWall = Math.Min(bestWall, wall);
        }
        return new Timing(wire.Length / bestCpu, messagesPerPass / bestCpu, wire.Length / bestWall, checksum);
    }

    /// <summary>One pass over the wire bytes: frame, then hand each block's payload to <paramref name="work"/>.</summary>
    private static long Pass(byte[] wire, Func<ReadOnlyMemory<byte>, int> work)
    {
        var reader = new MllpFrameReader(4 * 1024 * 1024);
        var memory = wire.AsMemory();
        var buffer = new ReadOnlySequence<byte>(memory);
        long total = 0;
        while (reader.TryRead(ref buffer, true, out var item))
        {
            if (item.Kind != MllpItemKind.Block) continue;
            // A single-segment sequence: the payload is a slice of the wire array, no copy.
            var start = (int)item.StreamOffset + 1;
            total += work(memory.Slice(start, (int)item.Payload.Length));
        }
        return total;
    }

    private static int CountFields(Hl7Message m)
    {
        var n = 0;
        for (var s = 0; s < m.SegmentCount; s++)
            foreach (var f in m[s].Fields)
                n += f.IsEmpty ? 0 : 1;
        return n;
    }

    private static void Report(TextWriter output, string stage, long bytes, int messages, Timing t) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {stage,-28} {t.MessagesPerSecond,10:N0} msg/s {t.BytesPerSecond / 1e6,8:N1} MB/s per core (wall {t.WallBytesPerSecond / 1e6:N1} MB/s)  = {t.BytesPerSecond / SerialBytesPerSecond,10:N0} × a 9600-baud line ({SerialBytesPerSecond:0} B/s)"));

    private static List<byte[]> Corpus()
    {
        string? sample = null;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null && sample is null; d = d.Parent)
            {
                var p = Path.Combine(d.FullName, "tests", "samples", "hl7", "mindray_bc5380_hl7_oru_r01.hl7");
                if (File.Exists(p)) sample = p;
            }
        }
        var list = new List<byte[]>();
        if (sample is not null) list.Add(File.ReadAllBytes(sample).Select(b => b == (byte)'\n' ? (byte)'\r' : b).ToArray());
        var oul = new StringBuilder("MSH|^~\\&|ANALYZER|LAB|EDGELAB|GW|20261121093000||OUL^R22^OUL_R22|1|P|2.5|||AL|NE||UNICODE UTF-8\rPID|1||P-1\rSPM|1|S-9||SER\rOBR|1||S-9|CHEM\r");
        for (var i = 1; i <= 30; i++)
            oul.Append(CultureInfo.InvariantCulture, $"OBX|{i}|NM|T{i}^Test \\S\\ {i}^L||{i}.{i % 10}|mmol/L|1.0-9.9|N~A|||F|||20261121092{i % 10}00\r");
        oul.Append("NTE|1||synthetic \\F\\ comment\r");
        list.Add(Encoding.ASCII.GetBytes(oul.ToString()));
        var cyr = Encoding.ASCII.GetBytes("MSH|^~\\&|A|B|||20261121093000||ORU^R01|2|P|2.5||||||8859/5\rPID|1||77||");
        list.Add([.. cyr, 0xB8, 0xD2, 0xD0, 0xDD, .. "\rOBR|1||S-1|X\rOBX|1|ST|C^Comment||"u8, 0xB8, 0xD2, 0xD0, 0xDD, (byte)'\r']);
        return list;
    }

    private static byte[] Wire(List<byte[]> corpus, int targetBytes, out int messages)
    {
        var framed = corpus.Select(m => MllpFraming.Wrap(m)).ToArray();
        var all = new List<byte>(targetBytes + 16 * 1024);
        messages = 0;
        while (all.Count < targetBytes)
            foreach (var f in framed) { all.AddRange(f); messages++; }
        return [.. all];
    }
}
