using System.Text;

namespace EdgeLab.Instruments.Message.Lis2;

/// <summary>
/// One record of a LIS02-A2 message (the text between two record separators, LIS02-A2 §6.4), read lazily: a field is
/// located only when asked for and decoded only when its text is read. Field numbers follow LIS02-A2, where the
/// record type letter is field 1 (so <c>R.3</c> is the universal test ID, §10.1.3).
/// </summary>
internal readonly ref struct Lis2Record
{
    public Lis2Record(ReadOnlySpan<byte> raw, Lis2Delimiters delimiters, Encoding encoding, int recordNumber, long byteOffset)
    {
        Raw = raw;
        Delimiters = delimiters;
        Encoding = encoding;
        RecordNumber = recordNumber;
        ByteOffset = byteOffset;
    }

    /// <summary>The record's bytes without its CR.</summary>
    public ReadOnlySpan<byte> Raw { get; }

    public Lis2Delimiters Delimiters { get; }

    public Encoding Encoding { get; }

    /// <summary>1-based position of the record in the message text (every record counts).</summary>
    public int RecordNumber { get; }

    /// <summary>Offset of the record's first byte from the start of the message text.</summary>
    public long ByteOffset { get; }

    /// <summary>The record type letter (field 1).</summary>
    public char Type => (char)Raw[0];

    /// <summary>
    /// Field <paramref name="number"/> (1-based, the type letter being field 1); empty when the record has fewer
    /// fields (LIS02-A2 §6.5.2: trailing empty fields may be left out).
    /// </summary>
    public Lis2Field Field(int number)
    {
        var rest = Raw;
        var offset = ByteOffset;
        for (var i = 1; i < number; i++)
        {
            var at = rest.IndexOf(Delimiters.Field);
            if (at < 0)
                return new Lis2Field([], Delimiters, Encoding, ByteOffset + Raw.Length);
            rest = rest[(at + 1)..];
            offset += at + 1;
        }
        var end = rest.IndexOf(Delimiters.Field);
        return new Lis2Field(end < 0 ? rest : rest[..end], Delimiters, Encoding, offset);
    }

    /// <summary>Number of fields present, the type letter included.</summary>
    public int FieldCount => Raw.Count(Delimiters.Field) + 1;

    /// <summary>The sequence number (field 2 of every record but H, e.g. <c>R|3|…</c>), or null when absent or not a number.</summary>
    public int? SequenceNumber
    {
        get
        {
            var f = Field(2).Raw;
            if (f.IsEmpty || f.Length > 9)
                return null;
            var n = 0;
            foreach (var b in f)
            {
                if (b is < (byte)'0' or > (byte)'9')
                    return null;
                n = n * 10 + (b - '0');
            }
            return n;
        }
    }

    /// <summary>A typed error located at field <paramref name="number"/> of this record.</summary>
    public Lis2FormatException Error(string what, int number, long byteOffset) => new(what, RecordNumber, Type, number, byteOffset);

    /// <summary>A typed error located at field <paramref name="number"/> of this record.</summary>
    public Lis2FormatException Error(string what, int number) => new(what, RecordNumber, Type, number, Field(number).ByteOffset);
}
