namespace EdgeLab.Instruments.Message.Lis2.Capture;

/// <summary>
/// A capture file that cannot be decoded, located: the frame (1-based count of STX frames in the file; 0 for a
/// capture of records one per line), the byte offset in the file, and — when the fault is inside a record — the
/// record and field (LIS02-A2 numbering).
/// </summary>
internal sealed class CaptureFormatException : Exception
{
    public CaptureFormatException(string what, int frame, long byteOffset, Lis2FormatException? record = null)
        : base(Describe(what, frame, byteOffset, record), record)
    {
        What = what;
        Frame = frame;
        ByteOffset = byteOffset;
        RecordNumber = record?.RecordNumber ?? 0;
        Field = record?.Field ?? 0;
    }

    public string What { get; }

    /// <summary>1-based frame count in the file (the Nth STX), 0 when the capture is not framed.</summary>
    public int Frame { get; }

    /// <summary>Offset in the capture file of the offending byte (or of the start of the offending frame).</summary>
    public long ByteOffset { get; }

    public int RecordNumber { get; }

    public int Field { get; }

    private static string Describe(string what, int frame, long byteOffset, Lis2FormatException? record)
    {
        var where = frame > 0 ? $"frame {frame}, byte offset {byteOffset}" : $"byte offset {byteOffset}";
        return record is null ? $"{where}: {what}"
            : record.Field > 0 ? $"{where}, record {record.RecordNumber} ({record.RecordType}), field {record.RecordType}.{record.Field}: {record.What}"
            : record.RecordNumber > 0 ? $"{where}, record {record.RecordNumber} ({record.RecordType}): {record.What}"
            : $"{where}: {record.What}";
    }
}
