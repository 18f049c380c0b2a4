using System.Diagnostics;
using System.Reflection;
using EdgeLab.Instruments.Message.Lis2;
using EdgeLab.Instruments.Message.Lis2.Capture;
using EdgeLab.Instruments.Message.Lis2.Records;

namespace EdgeLab.Bench.Decode;

/// <summary>
/// ASTM decode throughput on the sample corpus (tests/samples/astm): wire bytes → frames (every checksum verified,
/// ETB frames included) → joined text → LIS02-A2 records reported to a handler that reads each record's type and
/// the R records' test code and value, as the dialect layer would. The corpus is repeated in memory for stable
/// timing; single thread, so the figure is per core. Printed beside a 9600-baud serial line (≈ 960 bytes/s).
/// </summary>
internal static class DecodeBenchmark
{
    private const double SerialBytesPerSecond = 960; // 9600 baud, 8N1: 10 bits per byte
    private const double TargetMegabytesPerSecond = 250;

    public static void Run(TextWriter output)
    {
        var corpus = LoadCorpus();
        var bytes = corpus.Sum(c => c.Length);
        var buffer = new byte[corpus.Max(c => c.Length)];

        // Warm up (tiered JIT), then time whole passes until at least a second has gone by.
        var handler = new CountingHandler();
        for (var i = 0; i < 200; i++)
            DecodeAll(corpus, buffer, ref handler);

        handler = new CountingHandler();
        var passes = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(1.5))
        {
            DecodeAll(corpus, buffer, ref handler);
            passes++;
        }
        watch.Stop();

        var seconds = watch.Elapsed.TotalSeconds;
        var totalBytes = (double)bytes * passes;
        var mbPerSecond = totalBytes / seconds / 1e6;
        var messagesPerSecond = handler.Messages / seconds;
        output.WriteLine("ASTM decode (wire bytes → frames with checksums verified → LIS02-A2 records), 1 thread");
        output.WriteLine($"  corpus: {corpus.Count} captures, {bytes:N0} bytes, {handler.Messages / passes} messages, {handler.Records / passes} records per pass; {passes:N0} passes in {seconds:F2} s");
        output.WriteLine($"  throughput: {mbPerSecond:F1} MB/s, {messagesPerSecond:N0} messages/s (target ≥ {TargetMegabytesPerSecond} MB/s per core: {(mbPerSecond >= TargetMegabytesPerSecond ? "met" : "NOT met")})");
        output.WriteLine($"  serial line at 9600 baud: {SerialBytesPerSecond:N0} bytes/s → decode is {totalBytes / seconds / SerialBytesPerSecond:N0}× the line rate");
        output.WriteLine($"  (checksum: {handler.Checksum})");
    }

    private static void DecodeAll(List<byte[]> corpus, byte[] buffer, ref CountingHandler handler)
    {
        foreach (var wire in corpus)
        {
            var length = AstmFrameScanner.Join(wire, buffer, tolerateBareLineEnds: true, frames: null, out _);
            Lis2MessageParser.Parse(buffer.AsSpan(0, length), ref handler);
        }
    }

    private static List<byte[]> LoadCorpus()
    {
        var dir = FindSamples() ?? throw new DirectoryNotFoundException("tests/samples/astm not found (run from the repository, or build with EdgeLabRepositoryRoot metadata)");
        return Directory.EnumerateFiles(dir, "*.astm").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
    }

    private static string? FindSamples()
    {
        var root = typeof(DecodeBenchmark).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "EdgeLabRepositoryRoot")?.Value;
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory, root })
        {
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "samples", "astm");
                if (Directory.Exists(candidate))
                    return candidate;
            }
        }
        return null;
    }

    /// <summary>Reads what a dialect would touch on every record, without allocating strings.</summary>
    private struct CountingHandler : ILis2RecordHandler
    {
        public long Records;
        public long Messages;
        public long Checksum;

        public void OnHeader(in HeaderRecord record) => Records++;
        public void OnPatient(in PatientRecord record) => Records++;

        public void OnOrder(in OrderRecord record)
        {
            Records++;
            Checksum += record.Field(OrderRecord.SpecimenId).Component(1).Raw.Length;
        }

        public void OnResult(in ResultRecord record)
        {
            Records++;
            Checksum += record.TestIdField.Component(4).Raw.Length + record.ValueField.Raw.Length + record.StatusField.Raw.Length;
        }

        public void OnComment(in CommentRecord record) => Records++;
        public void OnQuery(in QueryRecord record) => Records++;
        public void OnManufacturer(in ManufacturerRecord record) => Records++;
        public void OnScientific(in ScientificRecord record) => Records++;

        public void OnTerminator(in TerminatorRecord record)
        {
            Records++;
            Messages++;
        }
    }
}
