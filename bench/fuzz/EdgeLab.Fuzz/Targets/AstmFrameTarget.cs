using System.Buffers;
using EdgeLab.Instruments.Link.Astm;

namespace EdgeLab.Fuzz.Targets;

/// <summary>
/// The ASTM E1381 / LIS01-A2 frame readers: the live link's <see cref="AstmFrameReader"/> (fed all at once and again in
/// pieces, as a serial port delivers them; the frames and errors it finds must not depend on where the pieces were
/// cut) and the capture decoder over it (<see cref="AstmCaptureDecoder"/>, since issue 10 the one ASTM decode path of
/// the live link and the <c>decode</c> command).
/// </summary>
/// <remarks>
/// The first byte of an input chooses the reader's settings (<see cref="Settings"/>) and the rest is the line: one
/// configuration per input, so afl-fuzz steers towards the settings that reach new code instead of every input paying
/// for all of them (it ran all four, twice each, and fuzzed at a quarter of the speed).
/// </remarks>
internal sealed class AstmFrameTarget : IFuzzTarget
{
    private const int SmallFrame = 40; // small enough that seeds hold over-long frames (the skip path)

    public string Name => "astm-frames";

    public string Description =>
        "ASTM frame reader (Link/Astm AstmFrameReader, AstmCaptureDecoder; byte 0 picks max frame, bare line ends, piece size); " +
        "bad input: AstmProtocolException";

    /// <summary>Every sample capture under each of the four frame limit × line end settings, fed in pieces of 1–4 bytes.</summary>
    public IEnumerable<(string Name, byte[] Bytes)> Seeds(RepositoryFiles files)
    {
        foreach (var (name, bytes) in files.Files(files.Samples("astm"), "*.astm"))
        {
            for (byte settings = 0; settings < 4; settings++)
                yield return ($"{name}.{settings}", [(byte)(settings | (settings << 2)), .. bytes]);
        }
    }

    /// <summary>Bit 0: bare line ends tolerated; bit 1: the small frame limit; bits 2–7: piece size 1–13.</summary>
    public static (int MaxFrame, bool Tolerate, int Piece) Settings(byte b) =>
        ((b & 2) == 0 ? AstmControl.Lis01A2MaxFrameSize : SmallFrame, (b & 1) != 0, 1 + (b >> 2) % 13);

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        var (maxFrame, tolerate, piece) = Settings(input[0]);
        var data = input[1..].ToArray();
        var whole = ReadTokens(data, maxFrame, tolerate, Math.Max(data.Length, 1));
        var pieces = ReadTokens(data, maxFrame, tolerate, piece);
        // A CR at the end of what has arrived is a complete frame end only once the next byte shows it is not followed
        // by LF; with bare line ends tolerated it is taken at once, so only strict reading is independent of the cuts.
        if (!tolerate && !whole.SequenceEqual(pieces))
            throw new FuzzInvariantException($"frames differ when the bytes arrive in pieces of {piece} (max frame {maxFrame})");
        try { AstmCaptureDecoder.Decode(data, maxFrame, tolerate); }
        catch (AstmProtocolException) { }
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
