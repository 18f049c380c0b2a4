namespace EdgeLab.Instruments.Detection;

/// <summary>
/// What auto-detection found on one instrument's line: reported as an <c>instrument-detected</c> event, shown in the
/// status, and kept so a restart does not detect again. Carries no patient data (the header's sender fields only).
/// </summary>
/// <param name="Line">Baud and framing (serial with <c>baud: auto</c>), else null.</param>
/// <param name="Protocol">What the analyzer speaks.</param>
/// <param name="Sender">The header's sender as shown to a technician, e.g. <c>H.5 'ABX^PENTRA60^V2.0'</c>.</param>
/// <param name="Profile">The profile now decoding this instrument.</param>
/// <param name="Matched">True: a profile's identify pattern named the model; false: the generic profile stands in.</param>
/// <param name="Suggestion">For a technician when the model was not recognised (or ambiguously).</param>
/// <param name="Confidence">0..1: 1 for a model matched on a complete message; less for a line decided on few bytes.</param>
public sealed record InstrumentDetection(
    LineSetting? Line,
    DetectedProtocol Protocol,
    string? Sender,
    string? Profile,
    bool Matched,
    string? Suggestion,
    double Confidence,
    DateTimeOffset At);

/// <summary>Told what auto-detection found: the line first (serial, baud auto), then the protocol and model.</summary>
public interface IDetectionObserver
{
    /// <summary>The rate and framing are settled; the link may now answer the analyzer.</summary>
    void OnLineDetected(string instrumentId, LineEvidence evidence);

    /// <summary>The protocol and model are settled (and the first message is being committed with that profile).</summary>
    void OnInstrumentDetected(string instrumentId, InstrumentDetection detection);
}
