namespace EdgeLab.Instruments.Message.Lis2.Records;

/// <summary>Message Terminator Record, <c>L</c> (LIS02-A2 §13). Ends the message.</summary>
internal readonly ref struct TerminatorRecord(Lis2Record record)
{
    /// <summary>§13.1.2 Sequence Number (always 1).</summary>
    public const int SequenceNumber = 2;
    /// <summary>§13.1.3 Termination Code.</summary>
    public const int TerminationCode = 3;

    /// <summary>§13.1.3 N: normal termination (also when the field is empty).</summary>
    public const char Normal = 'N';
    /// <summary>§13.1.3 T: sender aborted.</summary>
    public const char SenderAborted = 'T';
    /// <summary>§13.1.3 R: receiver requested abort.</summary>
    public const char ReceiverAborted = 'R';
    /// <summary>§13.1.3 E: unknown system error.</summary>
    public const char SystemError = 'E';
    /// <summary>§13.1.3 Q: error in last request for information.</summary>
    public const char QueryError = 'Q';
    /// <summary>§13.1.3 I: no information available from last query.</summary>
    public const char NoInformation = 'I';
    /// <summary>§13.1.3 F: last request for information processed.</summary>
    public const char QueryProcessed = 'F';

    public Lis2Record Record { get; } = record;
    public Lis2Field TerminationCodeField => Record.Field(TerminationCode);
}
