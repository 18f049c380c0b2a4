namespace EdgeLab.Instruments.Message.Lis2.Records;

/// <summary>
/// Comment Record, <c>C</c> (LIS02-A2 §11). Belongs to the record it follows: after H, P or O it comments on the
/// message, patient or order; after R it comments on that result.
/// </summary>
internal readonly ref struct CommentRecord(Lis2Record record)
{
    /// <summary>§11.1.2 Sequence Number.</summary>
    public const int SequenceNumber = 2;
    /// <summary>§11.1.3 Comment Source: P practice, L information system, I clinical instrument system.</summary>
    public const int CommentSource = 3;
    /// <summary>§11.1.4 Comment Text (components and repeats allowed).</summary>
    public const int CommentText = 4;
    /// <summary>§11.1.5 Comment Type: G generic, T test name, P positive, N negative, I instrument flag.</summary>
    public const int CommentType = 5;

    public Lis2Record Record { get; } = record;
    public Lis2Field TextField => Record.Field(CommentText);
    public Lis2Field TypeField => Record.Field(CommentType);
}
