namespace EdgeLab.Instruments.Message.Lis2;

/// <summary>
/// A LIS02-A2 message that cannot be read: says what is wrong and where — the record's position in the message
/// (1-based, counting every record), its type letter, the field (LIS02-A2 numbering: the record type is field 1) and
/// the byte offset from the start of the message text. The only exception the record layer throws for bad input.
/// </summary>
internal sealed class Lis2FormatException : Exception
{
    public Lis2FormatException(string what, int recordNumber, char recordType, int field, long byteOffset)
        : base(Describe(what, recordNumber, recordType, field, byteOffset))
    {
        What = what;
        RecordNumber = recordNumber;
        RecordType = recordType;
        Field = field;
        ByteOffset = byteOffset;
    }

    /// <summary>The problem without the position, e.g. <c>invalid date/time '2020x'</c>.</summary>
    public string What { get; }

    /// <summary>1-based position of the record in the message text; 0 when the problem is not in one record.</summary>
    public int RecordNumber { get; }

    /// <summary>The record type letter (H, P, O, R…), or <c>'\0'</c> when unknown.</summary>
    public char RecordType { get; }

    /// <summary>LIS02-A2 field number (record type = 1), or 0 when the problem concerns the whole record.</summary>
    public int Field { get; }

    /// <summary>Offset of the offending byte from the start of the message text.</summary>
    public long ByteOffset { get; }

    private static string Describe(string what, int recordNumber, char recordType, int field, long byteOffset)
    {
        var where = recordNumber == 0 ? $"at byte {byteOffset}"
            : field == 0 ? $"record {recordNumber} ({Printable(recordType)}) at byte {byteOffset}"
            : $"record {recordNumber} ({Printable(recordType)}), field {Printable(recordType)}.{field} at byte {byteOffset}";
        return $"{where}: {what}";
    }

    private static string Printable(char c) => c is >= ' ' and <= '~' ? c.ToString() : $"0x{(int)c:X2}";
}
