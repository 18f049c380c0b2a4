namespace EdgeLab.Instruments.Message.Lis2.Records;

/// <summary>Request Information Record, <c>Q</c> (LIS02-A2 §12): the instrument asks the host for orders (host query).</summary>
internal readonly ref struct QueryRecord(Lis2Record record)
{
    /// <summary>§12.1.2 Sequence Number.</summary>
    public const int SequenceNumber = 2;
    /// <summary>§12.1.3 Starting Range ID Number: patient ID^specimen ID^… (repeat-delimited for several specimens).</summary>
    public const int StartingRangeId = 3;
    /// <summary>§12.1.4 Ending Range ID Number.</summary>
    public const int EndingRangeId = 4;
    /// <summary>§12.1.5 Universal Test ID (<c>ALL</c> for every test).</summary>
    public const int UniversalTestId = 5;
    /// <summary>§12.1.13 Request Information Status Codes.</summary>
    public const int StatusCode = 13;

    /// <summary>Component of §12.1.3 holding the computer system specimen ID (patient ID is component 1).</summary>
    public const int SpecimenIdComponent = 2;

    /// <summary>§12.1.13 status code A: cancel (abort) the last request for information.</summary>
    public const char StatusCancel = 'A';
    /// <summary>§12.1.13 status code O: request test orders and demographics only.</summary>
    public const char StatusOrders = 'O';

    public Lis2Record Record { get; } = record;
    public Lis2Field StartingRangeField => Record.Field(StartingRangeId);
    public Lis2Field StatusField => Record.Field(StatusCode);

    /// <summary>Whether this query cancels the previous one (§12.1.13 code <c>A</c>).</summary>
    public bool IsCancel
    {
        get
        {
            var s = StatusField.Raw;
            return s.Length == 1 && s[0] == (byte)StatusCancel;
        }
    }
}
