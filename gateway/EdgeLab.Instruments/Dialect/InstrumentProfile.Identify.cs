using EdgeLab.Instruments.Detection;

namespace EdgeLab.Instruments.Dialect;

/// <summary>How auto-detection recognises this model (Detection/ProfileMatcher, gateway/ARCHITECTURE.md "Auto-detection").</summary>
public sealed partial record InstrumentProfile
{
    /// <summary>
    /// Patterns over the message header that say "this is my model": <c>H.5=ABX^PENTRA60^*</c> (ASTM sender name,
    /// LIS02-A2 §7.1.5) or <c>MSH-3=Mindray; MSH-4=BS-200</c> (HL7 sending application/facility). Each entry is one
    /// alternative, its <c>;</c>-joined conditions must all hold. Empty: never picked by auto-detection (the generic
    /// profiles, and models whose header names nobody).
    /// </summary>
    public IReadOnlyList<string> Identify { get; init; } = [];

    /// <summary><see cref="Identify"/> parsed (the validator has rejected a profile whose entries do not parse).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    /// <remarks>Parsed on each read, not cached: a cache field would take part in the record's equality.</remarks>
    public IReadOnlyList<IdentifyPattern> IdentifyPatterns => Identify.Select(IdentifyPattern.Parse).ToList();
}
