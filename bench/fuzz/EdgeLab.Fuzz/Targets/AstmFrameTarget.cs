using System.Buffers;
using EdgeLab.Instruments.Link.Astm;
using EdgeLab.Instruments.Message.Lis2.Capture;

namespace EdgeLab.Fuzz.Targets;

/// <summary>
/// The ASTM E1381 / LIS01-A2 frame readers: the live link's <see cref="AstmFrameReader"/> (fed all at once and again in
/// pieces, as a serial port delivers them; the frames and errors it finds must not depend on where the pieces were
/// cut), the link's capture decoder over it, and the capture tool's <see cref="AstmFrameScanner"/>.
/// </summary>
internal sealed class AstmFrameTarget : IFuzzTarget
{
    private const int SmallFrame = 40; // small enough that seeds hold over-long frames (the skip path)

    public string Name => "astm-frames";

    public string Description =>
        "ASTM frame reader (Link/Astm AstmFrameReader, AstmCaptureDecoder; Message/Lis2/Capture/AstmFrameScanner); " +
        "bad input: AstmProtocolException, CaptureFormatException";

    public IEnumerable<(string Name, byte[] Bytes)> Seeds(RepositoryFiles files) => files.Files(files.Samples("astm"), "*.astm");

    public void Run(ReadOnlySpan<byte> input)
    {
        var data = input.ToArray();
        foreach (var maxFrame in (ReadOnlySpan<int>)[AstmControl.Lis01A2MaxFrameSize, SmallFrame])
        {
            foreach (var tolerate in (ReadOnlySpan<bool>)[false, true])
            {
                var whole = ReadTokens(data, maxFrame, tolerate, data.Length);
                var pieces = ReadTokens(data, maxFrame, tolerate, 1 + data.Length % 13);
                // A CR at the end of what has arrived is a complete frame end only once the next byte shows it is
                // not followed by LF; with bare line ends tolerated it is taken at once, so only strict reading is
                // independent of the cuts.
                if (!tolerate && !whole.SequenceEqual(pieces))
                    throw new FuzzInvariantException($"frames differ when the bytes arrive in pieces (max frame {maxFrame})");
                try { AstmCaptureDecoder.Decode(data, maxFrame, tolerate); }
                catch (AstmProtocolException) { }
            }
        }

        var text = new byte[data.Length];
        foreach (var tolerate in (ReadOnlySpan<bool>)[false, true])
        {
            try
            {
                var written = AstmFrameScanner.Join(data, text, tolerate, [], out _);
                if (written > data.Length) throw new FuzzInvariantException("joined text longer than the capture");
            }
            catch (CaptureFormatException) { }
        }
    }

    /// <summary>
    /// Feeds <paramref name="data"/> to one reader <paramref name="piece"/> bytes at a time, handing back the unconsumed
    /// rest as a pipe would, and lists the frames, control characters and errors (noise is cut where the pieces are).
    /// </summary>
    private static List<int> ReadTokens(byte[] data, int maxFrame, bool tolerate, int piece)
    {
        var reader = new AstmFrameReader(maxFrame, tolerate);
        var found = new List<int>();
        var arrived = 0;
        while (arrived < data.Length)
        {
            var from = arrived;
            arrived = Math.Min(data.Length, arrived + piece);
            var consumed = (int)reader.Position;
            var buffer = SequenceSegments.Join(data.AsMemory(consumed, from - consumed), data.AsMemory(from, arrived - from));
            var standing = 0;
            while (true)
            {
                var before = reader.Position;
                if (!reader.TryRead(ref buffer, out var token)) break;
                // Only the end of a skipped over-long frame may be reported before the byte that ends it (STX, ENQ,
                // EOT), consuming nothing; twice in a row would be a reader that never moves on.
                if (reader.Position == before && ++standing > 1)
                    throw new FuzzInvariantException($"reader returns tokens without consuming input at byte {before}");
                if (reader.Position != before) standing = 0;
                if (reader.Position - before != token.Raw.Length || token.Offset > before)
                    throw new FuzzInvariantException($"token at {token.Offset} ({token.Kind}) does not match the bytes consumed from {before}");
                if (token.Kind != AstmTokenKind.Noise) found.Add(Fingerprint(token));
            }
            if (reader.Position > arrived) throw new FuzzInvariantException("reader consumed more bytes than arrived");
        }
        return found;
    }

    private static int Fingerprint(in AstmToken token)
    {
        var hash = new HashCode();
        hash.Add(token.Kind);
        hash.Add(token.Offset);
        hash.Add(token.FrameNumber);
        hash.Add(token.IsFinal);
        hash.Add(token.Error);
        hash.Add(token.ErrorOffset);
        // FNV-1a over the body bytes: the same whatever segments the body lies in (HashCode.AddBytes is not).
        var body = 2166136261u;
        foreach (var segment in token.Body)
        {
            foreach (var b in segment.Span) body = (body ^ b) * 16777619u;
        }
        hash.Add(body);
        return hash.ToHashCode();
    }
}
