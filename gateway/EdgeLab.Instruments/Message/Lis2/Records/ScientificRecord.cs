namespace EdgeLab.Instruments.Message.Lis2.Records;

/// <summary>Scientific Record, <c>S</c> (LIS02-A2 §14): method, instrument and reagent data for research use.</summary>
internal readonly ref struct ScientificRecord(Lis2Record record)
{
    /// <summary>§14.1.2 Sequence Number.</summary>
    public const int SequenceNumber = 2;
    /// <summary>§14.1.3 Analytical Method.</summary>
    public const int AnalyticalMethod = 3;
    /// <summary>§14.1.4 Instrumentation.</summary>
    public const int Instrumentation = 4;
    /// <summary>§14.1.12 Analyte.</summary>
    public const int Analyte = 12;
    /// <summary>§14.1.13 Result.</summary>
    public const int Result = 13;

    public Lis2Record Record { get; } = record;
}
