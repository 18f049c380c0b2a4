namespace EdgeLab.Simulator.Hl7;

/// <summary>The MSH of the host's answer: what it is and whom an acknowledgement of it goes to (HL7 v2.5 §2.15.9).</summary>
internal sealed record Hl7AnswerHeader
{
    public string SendingApplication { get; init; } = "";
    public string SendingFacility { get; init; } = "";
    public string ReceivingApplication { get; init; } = "";
    public string ReceivingFacility { get; init; } = "";
    /// <summary>MSH-9.1, e.g. <c>RSP</c>.</summary>
    public string MessageCode { get; init; } = "";
    /// <summary>MSH-9.2, e.g. <c>K11</c>.</summary>
    public string TriggerEvent { get; init; } = "";
    /// <summary>MSH-10.</summary>
    public string ControlId { get; init; } = "";
    /// <summary>MSH-12.</summary>
    public string Version { get; init; } = "";
    /// <summary>MSH-15 accept acknowledgement type (Table 0155); empty in original mode.</summary>
    public string AcceptAckType { get; init; } = "";

    public string MessageType => $"{MessageCode}^{TriggerEvent}";

    public static Hl7AnswerHeader Read(Hl7AnswerSegment msh) => new()
    {
        SendingApplication = msh.Text(3),
        SendingFacility = msh.Text(4),
        ReceivingApplication = msh.Text(5),
        ReceivingFacility = msh.Text(6),
        MessageCode = msh.Component(9, 1),
        TriggerEvent = msh.Component(9, 2),
        ControlId = msh.Text(10),
        Version = msh.Component(12, 1),
        AcceptAckType = msh.Text(15),
    };
}
