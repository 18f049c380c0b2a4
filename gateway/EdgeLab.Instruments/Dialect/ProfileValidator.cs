using System.Text.RegularExpressions;

namespace EdgeLab.Instruments.Dialect;

/// <summary>Checks a loaded profile field by field; every problem becomes a <see cref="ProfileError"/> naming the field.</summary>
internal static partial class ProfileValidator
{
    private static readonly int[] Bauds = [300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];

    public static void Validate(InstrumentProfile p, string fileStem, string file, List<ProfileError> errors)
    {
        void Error(string field, string message) => errors.Add(new ProfileError(file, field, message));

        if (!NamePattern().IsMatch(p.Name))
            Error("name", $"'{p.Name}' must be lower-case letters, digits and '-'");
        else if (p.Name != fileStem)
            Error("name", $"'{p.Name}' must match the file name '{fileStem}'");
        if (p.Protocol is not ("astm" or "hl7"))
            Error("protocol", $"'{p.Protocol}' must be 'astm' or 'hl7'");
        // LIS01-A2 §6.3.1: 247 bytes for E1381-95 instruments, up to 64,000 for LIS01-A2 ones.
        if (p.MaxFrameSize is < 16 or > 64000)
            Error("maxFrameSize", $"{p.MaxFrameSize} must be between 16 and 64000 (247 for E1381-95, 64000 for LIS01-A2)");
        if (ProfileEncoding.TryGet(p.Encoding) is null)
            Error("encoding", $"'{p.Encoding}' is not one of {string.Join(", ", ProfileEncoding.Known)}");
        if (p.TimeZone is not ("site" or "utc"))
        {
            try
            {
                TimeZoneInfo.FindSystemTimeZoneById(p.TimeZone);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                Error("timeZone", $"'{p.TimeZone}' is not 'site', 'utc' or a known IANA time zone");
            }
        }
        if (p.HostQueryTimeoutSeconds is < 1 or > 120)
            Error("hostQueryTimeoutSeconds", $"{p.HostQueryTimeoutSeconds} must be between 1 and 120");
        if (string.IsNullOrWhiteSpace(p.HostName))
            Error("hostName", "must not be empty");

        ValidateTransport(p.Transport, Error);
        ValidateLocation(p.SpecimenId, "specimenId", Error);
        ValidateLocation(p.PatientId, "patientId", Error);
        if (p.TestCode.Components.Count == 0)
            Error("testCode.components", "at least one component is needed");
        foreach (var c in p.TestCode.Components.Where(c => c is < 1 or > 32))
            Error("testCode.components", $"{c} must be between 1 and 32");
        if (p.TestCode.NameComponent is < 1 or > 32)
            Error("testCode.nameComponent", "must be between 1 and 32");
        if (p.TestCode.LoincComponent is < 1 or > 32)
            Error("testCode.loincComponent", "must be between 1 and 32");
        if (p.Result.Value is not (ValueModes.Whole or ValueModes.FirstNonEmptyComponent))
            Error("result.value", $"'{p.Result.Value}' must be '{ValueModes.Whole}' or '{ValueModes.FirstNonEmptyComponent}'");
        if (p.Result.FlagComponent is < 1 or > 32)
            Error("result.flagComponent", "must be between 1 and 32");
        if (p.Result.ReferenceRangeComponent is < 1 or > 32)
            Error("result.referenceRangeComponent", "must be between 1 and 32");
        if (p.Result.TimeFields.Count == 0 || p.Result.TimeFields.Any(f => f is < 2 or > 40))
            Error("result.timeFields", "must list R record fields between 2 and 40 (LIS02-A2 §10.1.13 is 13)");
        ValidateKindRule(p.Qc, "qc", Error);
        ValidateKindRule(p.Calibration, "calibration", Error);

        for (var i = 0; i < p.Identify.Count; i++)
        {
            try
            {
                var pattern = Detection.IdentifyPattern.Parse(p.Identify[i]);
                if (pattern.Conditions.Any(c => c.Field.Protocol != p.Protocol))
                    Error($"identify[{i}]", $"'{p.Identify[i]}' names {(p.Protocol == "astm" ? "MSH fields" : "H record fields")}, but the profile's protocol is {p.Protocol}: use {(p.Protocol == "astm" ? "H.n" : "MSH-n")}");
            }
            catch (FormatException e)
            {
                Error($"identify[{i}]", e.Message);
            }
        }

        if (p.Protocol == "hl7")
        {
            if (p.Hl7 is null)
                Error("hl7", "an hl7 profile needs an 'hl7' section (specimenId, patientId, testCode…)");
            else
                ValidateHl7(p.Hl7, Error);
        }
    }

    private static void ValidateTransport(TransportDefaults t, Action<string, string> error)
    {
        if (t.Kind is not ("serial" or "tcp-client" or "tcp-server"))
            error("transport.kind", $"'{t.Kind}' must be serial, tcp-client or tcp-server");
        if (t.Kind == "serial")
        {
            if (!Bauds.Contains(t.Baud))
                error("transport.baud", $"{t.Baud} is not a standard rate ({string.Join(", ", Bauds)})");
            if (t.DataBits is not (7 or 8))
                error("transport.dataBits", $"{t.DataBits} must be 7 or 8");
            if (t.Parity is not ("none" or "even" or "odd"))
                error("transport.parity", $"'{t.Parity}' must be none, even or odd");
            if (t.StopBits is not (1 or 2))
                error("transport.stopBits", $"{t.StopBits} must be 1 or 2");
            if (t.FlowControl is not ("none" or "rts-cts" or "xon-xoff"))
                error("transport.flowControl", $"'{t.FlowControl}' must be none, rts-cts or xon-xoff");
        }
        else if (t.Port is not (>= 1 and <= 65535))
        {
            error("transport.port", "a TCP transport needs a port between 1 and 65535");
        }
    }

    private static void ValidateLocation(FieldLocation l, string name, Action<string, string> error)
    {
        if (l.Record is not ('O' or 'P'))
            error($"{name}.record", $"'{l.Record}' must be O or P");
        if (l.Field is < 2 or > 40)
            error($"{name}.field", $"{l.Field} must be between 2 and 40 (LIS02-A2 numbering, record type = 1)");
        if (l.Component is < 0 or > 32)
            error($"{name}.component", $"{l.Component} must be between 0 (whole field) and 32");
        if (l.Repeat is < 0 or > 32)
            error($"{name}.repeat", $"{l.Repeat} must be between 0 and 32");
    }

    private static void ValidateKindRule(SpecimenKindRule r, string name, Action<string, string> error)
    {
        if (r.SpecimenIdPrefixes.Any(string.IsNullOrEmpty))
            error($"{name}.specimenIdPrefixes", "an empty prefix would match every specimen");
        if (r.ActionCodes.Any(a => a.Length != 1))
            error($"{name}.actionCodes", "action codes are single letters (LIS02-A2 §9.4.12)");
        if (r.ProcessingIds.Any(a => a.Length != 1))
            error($"{name}.processingIds", "processing ids are single letters (LIS02-A2 §7.1.12)");
    }

    private static void ValidateHl7(Hl7Layout h, Action<string, string> error)
    {
        foreach (var (field, value) in new[] { ("hl7.specimenId", h.SpecimenId), ("hl7.patientId", h.PatientId), ("hl7.testCode", h.TestCode), ("hl7.alternateSpecimenId", h.AlternateSpecimenId) })
        {
            if (value is not null && !Hl7RefPattern().IsMatch(value))
                error(field, $"'{value}' must look like SEG-n or SEG-n.c (e.g. OBR-3, OBX-3.1)");
        }
        foreach (var (field, markers) in new[] { ("hl7.qcMarkers", h.QcMarkers), ("hl7.calibrationMarkers", h.CalibrationMarkers) })
        {
            foreach (var marker in markers)
            {
                var eq = marker.IndexOf('=');
                if (eq <= 0 || eq == marker.Length - 1 || marker[(eq + 1)..].Trim() is "*" || !Hl7RefPattern().IsMatch(marker[..eq].Trim()))
                    error(field, $"'{marker}' must look like SEG-n[.c]=VALUE, VALUE* for a prefix (e.g. MSH-16=2, OBR-4.1=QC*)");
            }
        }
        if (h.AckMode is not ("original" or "enhanced"))
            error("hl7.ackMode", $"'{h.AckMode}' must be original or enhanced");
        if (h.HostQueryMessage is not (null or "QRY^Q02" or "QBP^Q11"))
            error("hl7.hostQueryMessage", $"'{h.HostQueryMessage}' must be QRY^Q02 or QBP^Q11");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Z][A-Z0-9]{2}-\d{1,3}(\.\d{1,2})?$")]
    private static partial Regex Hl7RefPattern();
}
