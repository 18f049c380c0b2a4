using System.Buffers;
using System.Text;
using EdgeLab.Instruments.Message.Lis2.Records;

namespace EdgeLab.Instruments.Message.Lis2;

/// <summary>
/// Splits LIS02-A2 message text into records and reports each to a handler. Pure and lazy: it looks at the first bytes
/// of each record only (type letter, and the delimiters of an H record); fields are found when the handler asks.
/// </summary>
/// <remarks>
/// Records end with CR (LIS02-A2 §6.4). LF and CR LF are accepted too, so a capture written one record per line
/// reads the same. A text may hold several messages (H…L, H…L); each H brings its own delimiters (§7.1.2).
/// </remarks>
internal static class Lis2MessageParser
{
    private const byte CR = 0x0D;
    private const byte LF = 0x0A;

    /// <summary>Parses <paramref name="text"/> and reports every record to <paramref name="handler"/>.</summary>
    /// <param name="requireTerminator">Throw when the text ends inside a message (no L record after the last H).</param>
    /// <exception cref="Lis2FormatException">The text is not LIS02-A2 (what and where).</exception>
    public static void Parse<THandler>(ReadOnlySpan<byte> text, ref THandler handler, Encoding? encoding = null, bool requireTerminator = true)
        where THandler : ILis2RecordHandler
    {
        encoding ??= Encoding.Latin1;
        var delimiters = default(Lis2Delimiters);
        var inMessage = false;
        var recordNumber = 0;
        var lastRecordOffset = 0L;
        var lastType = '\0';
        var pos = 0;
        while (pos < text.Length)
        {
            var rest = text[pos..];
            var end = rest.IndexOfAny(CR, LF);
            var line = end < 0 ? rest : rest[..end];
            var offset = pos;
            pos += end < 0 ? rest.Length : end + 1;
            if (line.IsEmpty)
                continue;

            recordNumber++;
            var type = line[0];
            lastRecordOffset = offset;
            lastType = (char)type;
            if (type == (byte)'H')
            {
                if (inMessage && requireTerminator)
                    throw new Lis2FormatException("H record inside a message: the previous message has no L record", recordNumber, 'H', 0, offset);
                delimiters = Lis2Delimiters.FromHeader(line, recordNumber, offset);
                inMessage = true;
            }
            else if (!inMessage)
            {
                throw new Lis2FormatException(delimiters.IsSet
                    ? "record after the L record: a new message must start with H"
                    : "message does not start with an H record (the delimiters are unknown)", recordNumber, (char)type, 0, offset);
            }
            else if (line.Length > 1 && line[1] != delimiters.Field)
            {
                throw new Lis2FormatException($"record type must be one letter followed by the field delimiter '{(char)delimiters.Field}'", recordNumber, (char)type, 1, offset + 1);
            }

            var record = new Lis2Record(line, delimiters, encoding, recordNumber, offset);
            switch (type)
            {
                case (byte)'H': handler.OnHeader(new HeaderRecord(record)); break;
                case (byte)'P': handler.OnPatient(new PatientRecord(record)); break;
                case (byte)'O': handler.OnOrder(new OrderRecord(record)); break;
                case (byte)'R': handler.OnResult(new ResultRecord(record)); break;
                case (byte)'C': handler.OnComment(new CommentRecord(record)); break;
                case (byte)'Q': handler.OnQuery(new QueryRecord(record)); break;
                case (byte)'M': handler.OnManufacturer(new ManufacturerRecord(record)); break;
                case (byte)'S': handler.OnScientific(new ScientificRecord(record)); break;
                case (byte)'L':
                    handler.OnTerminator(new TerminatorRecord(record));
                    inMessage = false;
                    break;
                default:
                    throw new Lis2FormatException($"unknown record type '{Lis2DateTime.Printable(line[..1])}' (LIS02-A2 defines H P O R C Q M S L)", recordNumber, (char)type, 1, offset);
            }
        }
        if (inMessage && requireTerminator)
            throw new Lis2FormatException("message ends without an L (terminator) record", recordNumber, lastType, 0, lastRecordOffset);
        if (recordNumber == 0)
            throw new Lis2FormatException("no records", 0, '\0', 0, 0);
    }

    /// <summary>As <see cref="Parse{THandler}(ReadOnlySpan{byte}, ref THandler, Encoding?, bool)"/> over a sequence (e.g. from a pipe).</summary>
    public static void Parse<THandler>(in ReadOnlySequence<byte> text, ref THandler handler, Encoding? encoding = null, bool requireTerminator = true)
        where THandler : ILis2RecordHandler
    {
        if (text.IsSingleSegment)
        {
            Parse(text.FirstSpan, ref handler, encoding, requireTerminator);
            return;
        }
        var length = checked((int)text.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            text.CopyTo(rented);
            Parse(rented.AsSpan(0, length), ref handler, encoding, requireTerminator);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
