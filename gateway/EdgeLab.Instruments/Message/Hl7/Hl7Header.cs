namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>
/// The MSH fields the gateway acts on (HL7 v2.5 §2.15.9), read once. Values that are echoed back in a reply
/// (applications, facilities, charset) are kept raw, escapes as sent, so the echo is byte-exact.
/// </summary>
public sealed record Hl7Header
{
    public required string SendingApplication { get; init; }
    public required string SendingFacility { get; init; }
    public required string ReceivingApplication { get; init; }
    public required string ReceivingFacility { get; init; }
    /// <summary>MSH-9.1, e.g. <c>ORU</c>.</summary>
    public required string MessageCode { get; init; }
    /// <summary>MSH-9.2, e.g. <c>R01</c>.</summary>
    public required string TriggerEvent { get; init; }
    /// <summary>MSH-10.</summary>
    public required string ControlId { get; init; }
    /// <summary>MSH-11.1: P, D, T (Table 0103); some analyzers send Q for quality control.</summary>
    public required string ProcessingId { get; init; }
    /// <summary>MSH-12.1, e.g. <c>2.3.1</c>.</summary>
    public required string Version { get; init; }
    /// <summary>MSH-15 (Table 0155: AL, NE, ER, SU), empty in original mode.</summary>
    public required string AcceptAckType { get; init; }
    /// <summary>MSH-16 (Table 0155), empty in original mode.</summary>
    public required string ApplicationAckType { get; init; }
    /// <summary>MSH-18 as sent (all repetitions), empty when absent.</summary>
    public required string CharacterSet { get; init; }

    /// <summary>
    /// Enhanced acknowledgement mode is in force when MSH-15 or MSH-16 is valued (HL7 v2.5 §2.9.3); otherwise the
    /// original mode of §2.9.2 applies.
    /// </summary>
    public bool EnhancedMode => AcceptAckType.Length > 0 || ApplicationAckType.Length > 0;

    public string MessageType => TriggerEvent.Length > 0 ? $"{MessageCode}^{TriggerEvent}" : MessageCode;

    public static Hl7Header Read(Hl7Message message)
    {
        var msh = message.Header;
        return new Hl7Header
        {
            SendingApplication = msh.Field(3).RawText,
            SendingFacility = msh.Field(4).RawText,
            ReceivingApplication = msh.Field(5).RawText,
            ReceivingFacility = msh.Field(6).RawText,
            MessageCode = msh.Field(9).Component(1).ToString().Trim(),
            TriggerEvent = msh.Field(9).Component(2).ToString().Trim(),
            ControlId = msh.Field(10).ToString(),
            ProcessingId = msh.Field(11).Component(1).ToString().Trim(),
            Version = msh.Field(12).Component(1).ToString().Trim(),
            AcceptAckType = msh.Field(15).ToString().Trim().ToUpperInvariant(),
            ApplicationAckType = msh.Field(16).ToString().Trim().ToUpperInvariant(),
            CharacterSet = msh.Field(18).RawText,
        };
    }
}
