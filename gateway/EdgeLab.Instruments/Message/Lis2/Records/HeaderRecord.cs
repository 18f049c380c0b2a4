namespace EdgeLab.Instruments.Message.Lis2.Records;

/// <summary>Message Header Record, <c>H</c> (LIS02-A2 §7). Opens every message and declares its delimiters.</summary>
internal readonly ref struct HeaderRecord(Lis2Record record)
{
    /// <summary>§7.1.2 Delimiter Definition (field delimiter, then repeat, component, escape).</summary>
    public const int DelimiterDefinition = 2;
    /// <summary>§7.1.3 Message Control ID.</summary>
    public const int MessageControlId = 3;
    /// <summary>§7.1.4 Access Password.</summary>
    public const int AccessPassword = 4;
    /// <summary>§7.1.5 Sender Name or ID (instrument name^serial^software version…).</summary>
    public const int SenderNameOrId = 5;
    /// <summary>§7.1.10 Receiver ID.</summary>
    public const int ReceiverId = 10;
    /// <summary>§7.1.12 Processing ID: P production, T training, D debugging, Q quality control.</summary>
    public const int ProcessingId = 12;
    /// <summary>§7.1.13 Version Number (e.g. <c>LIS2-A2</c>, <c>E1394-97</c>).</summary>
    public const int VersionNumber = 13;
    /// <summary>§7.1.14 Date and Time of Message.</summary>
    public const int DateTimeOfMessage = 14;

    /// <summary>§7.1.12 value meaning the message carries quality-control results.</summary>
    public const char ProcessingQualityControl = 'Q';

    public Lis2Record Record { get; } = record;
    public Lis2Delimiters Delimiters => Record.Delimiters;
    public Lis2Field SenderNameOrIdField => Record.Field(SenderNameOrId);
    public Lis2Field ProcessingIdField => Record.Field(ProcessingId);
    public Lis2Field VersionField => Record.Field(VersionNumber);
    public Lis2Field DateTimeField => Record.Field(DateTimeOfMessage);
}
