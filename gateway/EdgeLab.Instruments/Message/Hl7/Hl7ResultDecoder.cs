namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>
/// ORU^R01 (HL7 v2.5 §7.3.1) and OUL^R22 (§7.3.5) to <see cref="DecodedMessage"/>: one walk over the segments,
/// PID for the patient, OBR/SPM for the specimen (where the profile says), OBX for results, NTE attached to what it
/// follows (§2.15.10: NTE belongs to the segment before it).
/// </summary>
internal static class Hl7ResultDecoder
{
    public static DecodedMessage Decode(Hl7Message message, Hl7Header header, Hl7DialectSettings dialect, TimeZoneInfo siteZone)
    {
        var kind = dialect.QcProcessingIds.Any(q => string.Equals(header.ProcessingId, q, StringComparison.OrdinalIgnoreCase)) ? "qc" : "patient";
        // Analyzers that keep MSH-11 = P for QC mark it elsewhere (MSH-16, OBR-4, PID-3…): the profile names where.
        if (Marked(message, dialect.QcMarkers)) kind = "qc";
        else if (Marked(message, dialect.CalibrationMarkers)) kind = "calibration";

        string? patientId = null;
        var specimen = new SpecimenIdPicker(dialect.SpecimenId);
        var results = new List<ResultBuilder>();
        var comments = new List<string>();
        ResultBuilder? lastResult = null;
        Hl7Segment? currentObr = null;
        Hl7Segment? currentSpm = null;
        var orderGroups = 0;
        string? priority = null;

        for (var i = 1; i < message.SegmentCount; i++)
        {
            var seg = message[i];
            if (dialect.PatientId.Matches(seg))
            {
                // PID-3: patient identifier list; the first repetition's ID (CX.1) is the identifier the analyzer holds.
                var id = dialect.PatientId.Read(seg).TextOrNull?.Trim();
                if (!string.IsNullOrEmpty(id) && patientId is not null && id != patientId)
                    throw Error(Hl7ErrorKind.Inconsistent, "a second patient identification names another patient", seg, dialect.PatientId.Field);
                if (!string.IsNullOrEmpty(id)) patientId = id;
                // Some point-of-care analyzers (PixCell HemoScreen) carry the keyed sample id only in PID (PID-2).
                specimen.Offer(seg);
                lastResult = null;
            }
            else if (seg.Is("OBR"u8))
            {
                currentObr = seg;
                orderGroups++;
                // OBR-27.6: TQ priority (HL7 v2.5 §4.5.3.27, Table 0027 S stat, A ASAP, R routine).
                priority = ResultPriority.Max(priority, ResultPriority.FromCode(seg.Field(27).Component(6).Span));
                specimen.Offer(seg);
                lastResult = null;
            }
            else if (seg.Is("SPM"u8))
            {
                currentSpm = seg;
                specimen.Offer(seg);
                // SPM-11 specimen role (Table 0369): Q = control specimen, C = calibrator.
                var role = seg.Field(11).Component(1);
                if (role.Is("Q"u8)) kind = "qc";
                else if (role.Is("C"u8)) kind = "calibration";
                lastResult = null;
            }
            else if (seg.Is("OBX"u8))
            {
                lastResult = ReadObservation(seg, dialect, siteZone, currentObr, currentSpm);
                results.Add(lastResult);
            }
            else if (seg.Is("NTE"u8))
            {
                var text = CommentText(seg);
                if (text.Length == 0) continue;
                if (lastResult is not null) lastResult.Comments.Add(text);
                else comments.Add(text);
            }
            else
            {
                // ORC-7.6 (TQ priority, §4.5.1.7) and TQ1-9 (priority, §4.5.4.9, Table 0485): a STAT order's results jump
                // the queues. ORC, PV1, TQ1, SAC, Z-segments… are otherwise kept in the raw transcript only.
                if (seg.Is("ORC"u8)) priority = ResultPriority.Max(priority, ResultPriority.FromCode(seg.Field(7).Component(6).Span));
                else if (seg.Is("TQ1"u8)) priority = ResultPriority.Max(priority, ResultPriority.FromCode(seg.Field(9).Component(1).Span));
                if (!seg.Is("ORC"u8)) lastResult = null;
            }
        }

        if (orderGroups == 0 && currentSpm is null)
            throw new Hl7Exception(new Hl7Error(Hl7ErrorKind.MissingSegment,
                $"{header.MessageType} has no OBR (or SPM) segment", message.SegmentCount, null, 0, message.Bytes.Length));

        return new DecodedMessage
        {
            Profile = dialect.ProfileName,
            SpecimenId = specimen.Value,
            PatientId = patientId,
            Kind = kind,
            Priority = priority,
            Results = results.Select(r => r.Build()).ToArray(),
            Comments = comments,
        };
    }

    private static ResultBuilder ReadObservation(Hl7Segment obx, Hl7DialectSettings dialect, TimeZoneInfo siteZone, Hl7Segment? obr, Hl7Segment? spm)
    {
        var id = obx.Field(3);
        var code = id.Component(dialect.TestCodeComponent).ToString();
        if (code.Length == 0)
            throw Error(Hl7ErrorKind.MissingField, $"OBX-3.{dialect.TestCodeComponent} (observation identifier) is empty{ValuedComponents(id)}; " +
                $"profile '{dialect.ProfileName}' reads the test code from OBX-3.{dialect.TestCodeComponent}, set hl7.testCode to the component this analyzer uses (e.g. OBX-3.1, OBX-3.2, OBX-3.4)", obx, 3);
        var valueType = obx.Field(2).ToString().Trim();
        var valueField = obx.Field(5);
        var value = valueField.ToString();
        var (numeric, comparator) = Hl7NumericValue.Read(valueType, valueField);

        var flags = new List<string>();
        var flagField = obx.Field(8);
        for (var r = 0; r < flagField.RepetitionCount; r++)
        {
            var flag = flagField.Repetition(r).ToString();
            if (flag.Length > 0) flags.Add(flag);
        }

        // OBX-19 date/time of the analysis (v2.5), else OBX-14 date/time of the observation, else the profile's fallback.
        var at = Time(obx, 19, siteZone) ?? Time(obx, 14, siteZone);
        if (at is null && dialect.ResultTimeFallback is { } path)
        {
            Hl7Segment? source = path.SegmentId switch { "OBR" => obr, "SPM" => spm, _ => null };
            if (source is { } s) at = Time(s, path.Field, siteZone);
        }

        return new ResultBuilder
        {
            Code = code,
            Name = id.Component(2).TextOrNull,
            Value = value,
            Numeric = numeric,
            Comparator = comparator,
            Units = UnitText(obx.Field(6)),
            Flags = flags,
            ReferenceRange = obx.Field(7).TextOrNull,
            Status = obx.Field(11).TextOrNull,
            CompletedAt = at,
        };
    }

    private static bool Marked(Hl7Message message, IReadOnlyList<Hl7FieldMarker> markers)
    {
        if (markers.Count == 0) return false;
        for (var i = 0; i < message.SegmentCount; i++)
        {
            foreach (var marker in markers)
            {
                if (marker.Matches(message[i])) return true;
            }
        }
        return false;
    }

    /// <summary>" (valued: OBX-3.1 '…', OBX-3.4 '…')" naming where the analyzer did put something, or "".</summary>
    private static string ValuedComponents(Hl7Value id)
    {
        var valued = new List<string>();
        for (var c = 1; c <= 6; c++)
        {
            var v = id.Component(c);
            if (!v.IsEmpty) valued.Add($"OBX-3.{c} '{v}'");
        }
        return valued.Count == 0 ? "" : $" (valued: {string.Join(", ", valued)})";
    }

    /// <summary>
    /// OBX-6 units (HL7 v2.5 §7.4.2.6, data type CE: identifier ^ text ^ name of coding system). With a coding system
    /// (component 3, e.g. <c>UCUM</c>, <c>ISO+</c>) the identifier is the unit. Without one, a second component is not
    /// CE text but an unescaped <c>^</c> inside the unit (<c>10^3/uL</c>, <c>10^9/L</c>, seen from analyzers that do not
    /// escape it as <c>\S\</c>): the whole field is taken, so no text is ever dropped (issue 10, item 4).
    /// </summary>
    internal static string? UnitText(Hl7Value field)
    {
        var first = field.Repetition(0);
        var identifier = first.Component(1).TextOrNull?.Trim();
        var text = first.Component(2).TextOrNull?.Trim();
        var system = first.Component(3).TextOrNull?.Trim();
        if (!string.IsNullOrEmpty(system) || string.IsNullOrEmpty(text)) return string.IsNullOrEmpty(identifier) ? text : identifier;
        if (string.IsNullOrEmpty(identifier) || string.Equals(identifier, text, StringComparison.OrdinalIgnoreCase)) return text;
        // identifier^text with no coding system and differing parts: the repetition as sent, escapes resolved.
        return first.ToString().Trim().TrimEnd('^');
    }

    private static DateTimeOffset? Time(Hl7Segment seg, int field, TimeZoneInfo siteZone)
    {
        var v = seg.Field(field).Component(1);
        if (v.IsEmpty) return null;
        if (!Hl7Timestamp.TryParse(v.ToString(), siteZone, out var at))
            throw new Hl7Exception(new Hl7Error(Hl7ErrorKind.InvalidValue, $"'{v}' is not an HL7 timestamp",
                seg.Index, seg.Id, field, v.Offset));
        return at;
    }

    /// <summary>NTE-3 (FT, repeating): repetitions joined by line breaks.</summary>
    private static string CommentText(Hl7Segment nte)
    {
        var f = nte.Field(3);
        if (f.RepetitionCount <= 1) return f.ToString();
        return string.Join('\n', Enumerable.Range(0, f.RepetitionCount).Select(r => f.Repetition(r).ToString()));
    }

    private static Hl7Exception Error(Hl7ErrorKind kind, string what, Hl7Segment seg, int field) =>
        new(new Hl7Error(kind, what, seg.Index, seg.Id, field, seg.Field(field).Offset));

    /// <summary>First valued specimen id by the profile's paths; a different id at the same path later is an error.</summary>
    private sealed class SpecimenIdPicker(IReadOnlyList<Hl7FieldPath> paths)
    {
        private int _chosenPath = -1;

        public string? Value { get; private set; }

        public void Offer(Hl7Segment seg)
        {
            for (var p = 0; p < paths.Count; p++)
            {
                if (!paths[p].Matches(seg)) continue;
                if (_chosenPath >= 0 && p > _chosenPath) return;
                var v = paths[p].Read(seg);
                if (v.IsEmpty || v.IsNull) continue;
                var text = v.ToString().Trim();
                if (text.Length == 0) continue;
                if (_chosenPath == p && Value != text)
                    throw new Hl7Exception(new Hl7Error(Hl7ErrorKind.Inconsistent,
                        $"{paths[p]} names a second specimen in one message", seg.Index, seg.Id, paths[p].Field, v.Offset));
                if (_chosenPath < 0 || p < _chosenPath)
                {
                    _chosenPath = p;
                    Value = text;
                }
                return;
            }
        }
    }
}
