namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>What the gateway answers to an HL7 host query from an instrument whose profile has <c>hostQuery: false</c>.</summary>
internal static class Hl7QueryRejection
{
    /// <summary>HL7 v2.5 Table 0357 "Unsupported message type".</summary>
    public const int ConditionCode = 200;
    public const string ConditionText = "Unsupported message type";
    /// <summary>MSA-3: what the operator reads on the analyzer's LIS log.</summary>
    public const string Text = "host query not enabled for this instrument at the gateway";
}
