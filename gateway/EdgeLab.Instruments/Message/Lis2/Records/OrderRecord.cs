namespace EdgeLab.Instruments.Message.Lis2.Records;

/// <summary>Test Order Record, <c>O</c> (LIS02-A2 §9.4). One specimen and the tests asked of it; results follow it.</summary>
internal readonly ref struct OrderRecord(Lis2Record record)
{
    /// <summary>§9.4.2 Sequence Number.</summary>
    public const int SequenceNumber = 2;
    /// <summary>§9.4.3 Specimen ID (the host's id, as on the barcode).</summary>
    public const int SpecimenId = 3;
    /// <summary>§9.4.4 Instrument Specimen ID (the instrument's own id: rack^position^sample number…).</summary>
    public const int InstrumentSpecimenId = 4;
    /// <summary>§9.4.5 Universal Test ID (repeat-delimited for several tests).</summary>
    public const int UniversalTestId = 5;
    /// <summary>§9.4.6 Priority: S stat, A ASAP, R routine, C callback, P preoperative.</summary>
    public const int Priority = 6;
    /// <summary>§9.4.7 Requested/Ordered Date and Time.</summary>
    public const int RequestedDateTime = 7;
    /// <summary>§9.4.8 Specimen Collection Date and Time.</summary>
    public const int CollectionDateTime = 8;
    /// <summary>§9.4.12 Action Code: C cancel, A add, N new, P pending, L reserved, X in process, Q quality control specimen.</summary>
    public const int ActionCode = 12;
    /// <summary>§9.4.15 Date/Time Specimen Received.</summary>
    public const int SpecimenReceivedDateTime = 15;
    /// <summary>§9.4.16 Specimen Descriptor (type^source).</summary>
    public const int SpecimenDescriptor = 16;
    /// <summary>§9.4.23 Date/Time Results Reported or Last Modified.</summary>
    public const int ResultsReportedDateTime = 23;
    /// <summary>§9.4.26 Report Types: O order, C correction, P preliminary, F final, X cannot be done, I pending, Y no order, Z no record, Q response to query.</summary>
    public const int ReportTypes = 26;

    /// <summary>§9.4.12 action code meaning "treat specimen as a QC test specimen".</summary>
    public const char ActionQualityControl = 'Q';
    /// <summary>§9.4.12 action code for a new order (what the host sends in answer to a query).</summary>
    public const char ActionNew = 'N';
    /// <summary>§9.4.26 report type for an order sent in response to a query.</summary>
    public const char ReportResponseToQuery = 'Q';

    public Lis2Record Record { get; } = record;
    public Lis2Field Field(int number) => Record.Field(number);
    public Lis2Field ActionCodeField => Record.Field(ActionCode);
    public Lis2Field ReportTypesField => Record.Field(ReportTypes);
}
