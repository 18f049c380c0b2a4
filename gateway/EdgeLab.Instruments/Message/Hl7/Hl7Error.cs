namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>What went wrong while reading an HL7 v2 message; each kind maps to an HL7 v2.5 Table 0357 error code.</summary>
public enum Hl7ErrorKind
{
    /// <summary>No segment at all.</summary>
    Empty,
    /// <summary>The message does not start with an MSH segment (HL7 v2.5 §2.5.1: MSH is always first).</summary>
    MissingHeader,
    /// <summary>MSH-1 / MSH-2 do not define a usable delimiter set (HL7 v2.5 §2.5.4).</summary>
    InvalidDelimiters,
    /// <summary>A segment id is not three upper-case letters or digits (HL7 v2.5 §2.5.1).</summary>
    InvalidSegmentId,
    /// <summary>MSH-18 names a character set this gateway cannot decode (HL7 v2.5 §2.15.9.18, Table 0211).</summary>
    UnsupportedCharacterSet,
    /// <summary>MSH-9 names a message type this gateway does not accept (Table 0357 code 200).</summary>
    UnsupportedMessageType,
    /// <summary>A segment the message structure requires is absent (Table 0357 code 100).</summary>
    MissingSegment,
    /// <summary>A required field is empty (Table 0357 code 101).</summary>
    MissingField,
    /// <summary>A field holds a value of the wrong form, e.g. a bad timestamp (Table 0357 code 102).</summary>
    InvalidValue,
    /// <summary>The message mixes what must not be mixed, e.g. two specimens in one result message.</summary>
    Inconsistent,
}

/// <summary>
/// A typed HL7 decoding error: what was wrong and where (segment index counting from 1 as MSH, segment id, field
/// number as HL7 numbers it, byte offset from the start of the message).
/// </summary>
public sealed record Hl7Error(Hl7ErrorKind Kind, string Description, int SegmentIndex = 0, string? SegmentId = null, int Field = 0, int ByteOffset = -1)
{
    /// <summary>HL7 v2.5 Table 0357 message error condition code for this error.</summary>
    public int ConditionCode => Kind switch
    {
        Hl7ErrorKind.MissingSegment or Hl7ErrorKind.MissingHeader or Hl7ErrorKind.Empty => 100,
        Hl7ErrorKind.MissingField => 101,
        Hl7ErrorKind.InvalidValue or Hl7ErrorKind.InvalidDelimiters or Hl7ErrorKind.InvalidSegmentId => 102,
        Hl7ErrorKind.UnsupportedMessageType => 200,
        Hl7ErrorKind.UnsupportedCharacterSet => 203,
        _ => 207,
    };

    public override string ToString()
    {
        var where = SegmentIndex > 0
            ? $" at segment {SegmentIndex}{(SegmentId is null ? "" : $" ({SegmentId})")}{(Field > 0 ? $" field {Field}" : "")}"
            : "";
        var at = ByteOffset >= 0 ? $", byte offset {ByteOffset}" : "";
        return $"{Kind}: {Description}{where}{at}";
    }
}

/// <summary>The only exception the HL7 parser and decoder throw for bad input.</summary>
public sealed class Hl7Exception(Hl7Error error) : Exception(error.ToString())
{
    public Hl7Error Error { get; } = error;
}
