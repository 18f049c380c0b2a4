namespace EdgeLab.Instruments.Message.Lis2.Records;

/// <summary>
/// Manufacturer Information Record, <c>M</c> (LIS02-A2 §15): vendor-defined content (histograms, reagent lots,
/// raw curves). Field 3 onwards is the manufacturer's; EdgeLab keeps it in the raw transcript and does not decode it.
/// </summary>
internal readonly ref struct ManufacturerRecord(Lis2Record record)
{
    /// <summary>§15.1.2 Sequence Number.</summary>
    public const int SequenceNumber = 2;
    /// <summary>First manufacturer-defined field (§15.1.3); VITROS and Yumizen put a record subtype here.</summary>
    public const int FirstManufacturerField = 3;

    public Lis2Record Record { get; } = record;
}
