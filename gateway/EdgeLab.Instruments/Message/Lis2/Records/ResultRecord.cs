namespace EdgeLab.Instruments.Message.Lis2.Records;

/// <summary>Result Record, <c>R</c> (LIS02-A2 §10). One measured value of the order it follows.</summary>
internal readonly ref struct ResultRecord(Lis2Record record)
{
    /// <summary>§10.1.2 Sequence Number.</summary>
    public const int SequenceNumber = 2;
    /// <summary>§10.1.3 Universal Test ID (universal code^name^type^manufacturer's code…; where the code sits is per dialect).</summary>
    public const int UniversalTestId = 3;
    /// <summary>§10.1.4 Data or Measurement Value.</summary>
    public const int MeasurementValue = 4;
    /// <summary>§10.1.5 Units.</summary>
    public const int Units = 5;
    /// <summary>§10.1.6 Reference Ranges.</summary>
    public const int ReferenceRanges = 6;
    /// <summary>§10.1.7 Result Abnormal Flags (L, H, LL, HH, &lt;, &gt;, N, A, U, D, B, W; repeat-delimited in some dialects).</summary>
    public const int AbnormalFlags = 7;
    /// <summary>§10.1.8 Nature of Abnormality Testing.</summary>
    public const int NatureOfAbnormality = 8;
    /// <summary>§10.1.9 Result Status.</summary>
    public const int ResultStatus = 9;
    /// <summary>§10.1.10 Date of Change in Instrument Normative Values or Units.</summary>
    public const int DateOfChange = 10;
    /// <summary>§10.1.11 Operator Identification.</summary>
    public const int OperatorId = 11;
    /// <summary>§10.1.12 Date/Time Test Started.</summary>
    public const int DateTimeStarted = 12;
    /// <summary>§10.1.13 Date/Time Test Completed.</summary>
    public const int DateTimeCompleted = 13;
    /// <summary>§10.1.14 Instrument Identification.</summary>
    public const int InstrumentId = 14;

    /// <summary>
    /// §10.1.9 result status codes: C correction of a previously transmitted result, P preliminary, F final,
    /// X order cannot be done, I in instrument pending, S partial, M MIC level, R previously transmitted,
    /// N contains necessary information to run a new order, Q response to an outstanding query,
    /// V operator verified/approved, W warning (validity questionable).
    /// </summary>
    public const string KnownStatusCodes = "CPFXISMRNQVW";

    public Lis2Record Record { get; } = record;
    public Lis2Field Field(int number) => Record.Field(number);
    public Lis2Field TestIdField => Record.Field(UniversalTestId);
    public Lis2Field ValueField => Record.Field(MeasurementValue);
    public Lis2Field UnitsField => Record.Field(Units);
    public Lis2Field ReferenceRangesField => Record.Field(ReferenceRanges);
    public Lis2Field AbnormalFlagsField => Record.Field(AbnormalFlags);
    public Lis2Field StatusField => Record.Field(ResultStatus);
}
