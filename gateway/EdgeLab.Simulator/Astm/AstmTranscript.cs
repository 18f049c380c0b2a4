namespace EdgeLab.Simulator.Astm;

/// <summary>One LIS02-A2 message (H … L) as record texts without the CR terminator, in wire bytes (latin1 1:1).</summary>
internal sealed record AstmMessage(IReadOnlyList<byte[]> Records)
{
    public int TextBytes => Records.Sum(r => r.Length + 1);

    /// <summary>The specimen id this message is about (first component of O-3, else O-4, else Q-3's second component), for output lines.</summary>
    public string? SpecimenId => AstmRecordEditor.FindSpecimenId(this);
}

/// <summary>
/// Turns a capture file into the messages an instrument would send. Captures come in several shapes
/// (tests/samples/SOURCES.md): raw wire bytes ENQ … EOT with CR LF frame ends; frames whose ends lost the CR (LF only)
/// or the LF (CR only); whole messages in one big frame; or plain records, one per line, with no framing at all.
/// The frames are taken apart (their text concatenated across ETB frames) and the records cut at CR or LF; the
/// simulator frames them again itself, so only the record content of a capture matters.
/// </summary>
internal static class AstmTranscript
{
    public static IReadOnlyList<AstmMessage> Parse(ReadOnlySpan<byte> capture)
    {
        var text = capture.Contains(AstmControl.Stx) ? Deframe(capture) : capture.ToArray();
        return GroupMessages(SplitRecords(text));
    }

    /// <summary>Concatenates the text of every frame; link control bytes, checksums and frame ends are dropped.</summary>
    private static byte[] Deframe(ReadOnlySpan<byte> capture)
    {
        var text = new List<byte>(capture.Length);
        var i = 0;
        while (i < capture.Length)
        {
            if (capture[i] != AstmControl.Stx)
            {
                i++; // ENQ, EOT, ACK, NAK and stray CR/LF between frames.
                continue;
            }
            i += 2; // STX and the frame number digit.
            while (i < capture.Length && capture[i] is not (AstmControl.Etx or AstmControl.Etb) && capture[i] != AstmControl.Stx)
                text.Add(capture[i++]);
            if (i < capture.Length && capture[i] is AstmControl.Etx or AstmControl.Etb)
            {
                // A record that ends with the frame may lack its CR in some captures; ETX always ends a record.
                if (capture[i] == AstmControl.Etx && text.Count > 0 && text[^1] != AstmControl.Cr) text.Add(AstmControl.Cr);
                i += 3; // ETB/ETX and the two checksum digits.
            }
        }
        return [.. text];
    }

    private static List<byte[]> SplitRecords(byte[] text)
    {
        var records = new List<byte[]>();
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] is not (AstmControl.Cr or AstmControl.Lf)) continue;
            if (i > start) records.Add(text[start..i]);
            start = i + 1;
        }
        return records;
    }

    /// <summary>A message is an H record and everything up to the next H record (LIS02-A2 §5: H … L).</summary>
    private static List<AstmMessage> GroupMessages(List<byte[]> records)
    {
        var messages = new List<AstmMessage>();
        List<byte[]>? current = null;
        foreach (var record in records)
        {
            if (record[0] == (byte)'H' || current is null)
            {
                current = [];
                messages.Add(new AstmMessage(current));
            }
            current.Add(record);
        }
        return messages;
    }
}
