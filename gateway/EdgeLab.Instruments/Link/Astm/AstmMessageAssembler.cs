using System.Buffers;

namespace EdgeLab.Instruments.Link.Astm;

internal enum AstmFrameVerdict : byte
{
    /// <summary>The expected frame number: its text was added to the message.</summary>
    Accepted,

    /// <summary>An exact repeat of the last accepted frame: our ACK was lost. ACK it again and drop it (LIS01-A2 §6.3.4.1).</summary>
    Duplicate,

    /// <summary>Neither the expected frame number nor a repeat of the last frame: NAK it (LIS01-A2 §6.3.4.2).</summary>
    WrongFrameNumber,
}

/// <summary>
/// The receiver's side of the transfer phase: checks frame numbers (1…7, 0, 1… from the start of the transmission,
/// LIS01-A2 §6.3.2), recognises a repeated frame, joins frame texts into one LIS02-A2 message and tells when it is
/// complete: a frame ending in ETX whose last record is the message terminator <c>L</c> (LIS02-A2 §6.1, §11).
/// </summary>
internal sealed class AstmMessageAssembler
{
    private readonly ArrayBufferWriter<byte> _text = new(1024);
    private byte[] _lastBody = new byte[256];
    private int _lastBodyLength = -1;
    private int _lengthBeforeLast;
    private bool _lastWasFinal;
    private bool _lastWasFinalBefore;

    /// <summary>The frame number the next new frame must carry.</summary>
    public int ExpectedFrameNumber { get; private set; } = 1;

    /// <summary>Frames in the current message so far.</summary>
    public int FrameCount { get; private set; }

    /// <summary>Whether part of a message has arrived and is not yet handed up.</summary>
    public bool HasPartialMessage => FrameCount > 0;

    public ReadOnlyMemory<byte> Text => _text.WrittenMemory;

    /// <summary>After ENQ is acknowledged: the first frame is number 1 (LIS01-A2 §6.3.2).</summary>
    public void BeginTransmission()
    {
        ExpectedFrameNumber = 1;
        _lastBodyLength = -1;
        EndMessage();
    }

    /// <summary>Forget the current message's text (handed up, or discarded as incomplete); frame numbering goes on.</summary>
    public void EndMessage()
    {
        _text.ResetWrittenCount();
        FrameCount = 0;
        _lastWasFinal = false;
    }

    /// <summary>CRs the assembler put back between records their sender ran together (see <see cref="Offer"/>).</summary>
    public int RestoredRecordEnds { get; private set; }

    public AstmFrameVerdict Offer(in AstmToken frame)
    {
        if (frame.FrameNumber == ExpectedFrameNumber)
        {
            _lengthBeforeLast = _text.WrittenCount;
            _lastWasFinalBefore = _lastWasFinal;
            if (_lastWasFinal && _text.WrittenCount > 0 && _text.WrittenSpan[^1] != AstmControl.Cr && StartsRecord(frame.Text))
            {
                // Some senders end records without CR (issue 10 item 6): the records then ran together and the L record
                // was never seen. A frame after an ETX frame starts a new record (LIS01-A2 §6.3.1.1); when it opens with
                // a record type letter, the field delimiter and a sequence digit, the missing CR is unambiguous.
                _text.Write([AstmControl.Cr]);
                RestoredRecordEnds++;
            }
            _lastWasFinal = frame.IsFinal;
            foreach (var segment in frame.Text) _text.Write(segment.Span);
            var bodyLength = (int)frame.Body.Length;
            if (_lastBody.Length < bodyLength) _lastBody = new byte[Math.Max(bodyLength, _lastBody.Length * 2)];
            frame.Body.CopyTo(_lastBody);
            _lastBodyLength = bodyLength;
            ExpectedFrameNumber = AstmFrameBuilder.Next(ExpectedFrameNumber);
            FrameCount++;
            return AstmFrameVerdict.Accepted;
        }
        if (_lastBodyLength == frame.Body.Length && frame.FrameNumber == (ExpectedFrameNumber + 7) % 8 && SameAsLast(frame.Body))
        {
            return AstmFrameVerdict.Duplicate;
        }
        return AstmFrameVerdict.WrongFrameNumber;
    }

    /// <summary>
    /// Takes back the frame just accepted: the handler refused the message it completed, we NAK that frame and the
    /// sender sends it again with the same number (LIS01-A2 §6.3.4.2).
    /// </summary>
    public void RetractLast()
    {
        _text.ResetWrittenCount();
        _text.Advance(_lengthBeforeLast);
        ExpectedFrameNumber = (ExpectedFrameNumber + 7) % 8;
        FrameCount--;
        _lastBodyLength = -1;
        _lastWasFinal = _lastWasFinalBefore;
    }

    /// <summary>
    /// True when <paramref name="frameText"/> starts like a LIS02-A2 record: a record type letter (§6–§14), the field
    /// delimiter of this message's H record, and a digit (the sequence number, x.2).
    /// </summary>
    private bool StartsRecord(in ReadOnlySequence<byte> frameText)
    {
        if (frameText.Length < 3 || _text.WrittenCount < 2) return false;
        Span<byte> head = stackalloc byte[3];
        frameText.Slice(0, 3).CopyTo(head);
        var fieldDelimiter = _text.WrittenSpan[0] == (byte)'H' ? _text.WrittenSpan[1] : (byte)'|';
        return head[0] is (byte)'P' or (byte)'O' or (byte)'R' or (byte)'C' or (byte)'Q' or (byte)'M' or (byte)'S' or (byte)'L'
            && head[1] == fieldDelimiter
            && head[2] is >= (byte)'0' and <= (byte)'9';
    }

    /// <summary>
    /// True when the text ends with an L record: the record after the last CR (a trailing CR ignored) starts with
    /// <c>L</c> and the field delimiter, which is the byte after <c>H</c> in the header record (LIS02-A2 §6.3, §11).
    /// Called after a frame ending in ETX: the link only completes a record on ETX (LIS01-A2 §6.3.1.1).
    /// </summary>
    public bool EndsWithTerminatorRecord()
    {
        var text = _text.WrittenSpan;
        if (text.IsEmpty) return false;
        var fieldDelimiter = text.Length >= 2 && text[0] == (byte)'H' ? text[1] : (byte)'|';
        var body = text[^1] == AstmControl.Cr ? text[..^1] : text;
        var start = body.LastIndexOf(AstmControl.Cr) + 1;
        var record = body[start..];
        return record.Length >= 1 && record[0] == (byte)'L' && (record.Length == 1 || record[1] == fieldDelimiter);
    }

    private bool SameAsLast(in ReadOnlySequence<byte> body)
    {
        var last = _lastBody.AsSpan(0, _lastBodyLength);
        if (body.IsSingleSegment) return body.FirstSpan.SequenceEqual(last);
        var at = 0;
        foreach (var segment in body)
        {
            if (!segment.Span.SequenceEqual(last.Slice(at, segment.Length))) return false;
            at += segment.Length;
        }
        return true;
    }
}
