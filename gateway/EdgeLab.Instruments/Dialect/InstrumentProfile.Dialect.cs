namespace EdgeLab.Instruments.Dialect;

/// <summary>The dialect half of a profile: where an analyzer model puts things inside LIS02-A2 (or HL7) records.</summary>
public sealed partial record InstrumentProfile
{
    /// <summary>How the gateway usually reaches this model (a site's configuration may override it).</summary>
    public TransportDefaults Transport { get; init; } = new();

    /// <summary>Where the specimen id sits; default O.3 component 1 (LIS02-A2 §9.4.3).</summary>
    public FieldLocation SpecimenId { get; init; } = new() { Record = 'O', Field = 3, Component = 1 };

    /// <summary>Where the patient id sits; default P.3 (LIS02-A2 §8.1.3, practice assigned patient ID).</summary>
    public FieldLocation PatientId { get; init; } = new() { Record = 'P', Field = 3 };

    /// <summary>Where the analyzer's own test code sits inside R.3 (LIS02-A2 §10.1.3).</summary>
    public TestCodeLayout TestCode { get; init; } = new();

    /// <summary>How result fields are read (value component, flags, reference range, time fields).</summary>
    public ResultLayout Result { get; init; } = new();

    /// <summary>How quality-control results are told from patient results.</summary>
    public SpecimenKindRule Qc { get; init; } = new();

    /// <summary>How calibration results are told from patient results.</summary>
    public SpecimenKindRule Calibration { get; init; } = new();

    /// <summary>
    /// The instrument clock's time zone: <c>site</c> (the gateway site's zone, the usual case), <c>utc</c>, or an IANA
    /// id (e.g. <c>Asia/Tomsk</c>) for an instrument whose clock is kept in another zone.
    /// </summary>
    public string TimeZone { get; init; } = "site";

    /// <summary>How long the instrument waits for a host query answer, in seconds (the reply must be ready sooner).</summary>
    public int HostQueryTimeoutSeconds { get; init; } = 10;

    /// <summary>Sender name the gateway writes in H.5 of the records it sends (host query answers).</summary>
    public string HostName { get; init; } = "EdgeLab";

    /// <summary>HL7 field positions, for <c>protocol: hl7</c> profiles (read by the HL7 message layer).</summary>
    public Hl7Layout? Hl7 { get; init; }

    /// <summary>Free-form notes on the model's known quirks (documentation only).</summary>
    public IReadOnlyList<string> Quirks { get; init; } = [];

    /// <summary>The zone to read this instrument's times in, given the site's zone.</summary>
    public TimeZoneInfo ResolveTimeZone(TimeZoneInfo site) => TimeZone switch
    {
        "site" => site,
        "utc" => TimeZoneInfo.Utc,
        var id => TimeZoneInfo.FindSystemTimeZoneById(id),
    };
}
