using YamlDotNet.RepresentationModel;

namespace EdgeLab.Instruments.Dialect;

/// <summary>
/// Maps a profile's YAML node tree onto <see cref="InstrumentProfile"/>, key by key (camelCase names of the properties).
/// Written out by hand rather than deserialized by reflection so the Native AOT gateway reads profiles exactly as the
/// JIT one does (gateway/ARCHITECTURE.md, "Footprint"); a new profile property needs a line here, and
/// <c>ProfileYamlTests.Every_property_of_a_profile_is_read_from_its_yaml_key</c> fails until it has one.
/// </summary>
internal static class ProfileYaml
{
    /// <summary>The profile in <paramref name="root"/>, or null with the problems added to the reader's errors.</summary>
    public static InstrumentProfile? Read(YamlNode root, ProfileYamlNodes r)
    {
        // Name and protocol are checked by the validator (an empty name takes the file's).
        var profile = r.Mapping(root, "", new InstrumentProfile { Name = "", Protocol = "" }, (p, key, v, path) => key switch
        {
            "name" => p with { Name = r.String(v, path, "") },
            "description" => p with { Description = r.NullableString(v, path) },
            "protocol" => p with { Protocol = r.String(v, path, "") },
            "maxFrameSize" => p with { MaxFrameSize = r.Int(v, path, p.MaxFrameSize) },
            "encoding" => p with { Encoding = r.String(v, path, p.Encoding) },
            "hostQuery" => p with { HostQuery = r.Bool(v, path, p.HostQuery) },
            "tolerateBareLineEnds" => p with { TolerateBareLineEnds = r.Bool(v, path, p.TolerateBareLineEnds) },
            "transport" => p with { Transport = Transport(v, path, r) },
            "specimenId" => p with { SpecimenId = Location(v, path, r) },
            "patientId" => p with { PatientId = Location(v, path, r) },
            "testCode" => p with { TestCode = TestCode(v, path, r) },
            "result" => p with { Result = Result(v, path, r) },
            "qc" => p with { Qc = KindRule(v, path, r) },
            "calibration" => p with { Calibration = KindRule(v, path, r) },
            "timeZone" => p with { TimeZone = r.String(v, path, p.TimeZone) },
            "hostQueryTimeoutSeconds" => p with { HostQueryTimeoutSeconds = r.Int(v, path, p.HostQueryTimeoutSeconds) },
            "hostName" => p with { HostName = r.String(v, path, p.HostName) },
            "hl7" => p with { Hl7 = ProfileYamlNodes.IsNull(v) ? null : Hl7(v, path, r) },
            "quirks" => p with { Quirks = r.StringList(v, path, p.Quirks) },
            "identify" => p with { Identify = r.StringList(v, path, p.Identify) },
            "hl7UnicodeCharset" => p with { Hl7UnicodeCharset = r.String(v, path, p.Hl7UnicodeCharset) },
            "hl7ResultTimeFallbackField" => p with { Hl7ResultTimeFallbackField = r.NullableString(v, path) },
            "hl7MaxMessageSize" => p with { Hl7MaxMessageSize = r.Int(v, path, p.Hl7MaxMessageSize) },
            _ => null,
        });
        return r.Failed ? null : profile;
    }

    private static TransportDefaults Transport(YamlNode node, string at, ProfileYamlNodes r) =>
        r.Mapping(node, at, new TransportDefaults(), (t, key, v, path) => key switch
        {
            "kind" => t with { Kind = r.String(v, path, t.Kind) },
            "baud" => t with { Baud = r.Int(v, path, t.Baud) },
            "dataBits" => t with { DataBits = r.Int(v, path, t.DataBits) },
            "parity" => t with { Parity = r.String(v, path, t.Parity) },
            "stopBits" => t with { StopBits = r.Int(v, path, t.StopBits) },
            "flowControl" => t with { FlowControl = r.String(v, path, t.FlowControl) },
            "port" => t with { Port = r.NullableInt(v, path) },
            _ => null,
        });

    /// <summary>
    /// Keys left out take the <see cref="FieldLocation"/> defaults, not the profile's default location (a written
    /// <c>specimenId: { field: 4 }</c> reads the whole field), as the reflection deserializer did.
    /// </summary>
    private static FieldLocation Location(YamlNode node, string at, ProfileYamlNodes r) =>
        r.Mapping(node, at, new FieldLocation(), (l, key, v, path) => key switch
        {
            "record" => l with { Record = r.Char(v, path, l.Record) },
            "field" => l with { Field = r.Int(v, path, l.Field) },
            "component" => l with { Component = r.Int(v, path, l.Component) },
            "repeat" => l with { Repeat = r.Int(v, path, l.Repeat) },
            "trim" => l with { Trim = r.Bool(v, path, l.Trim) },
            _ => null,
        });

    private static TestCodeLayout TestCode(YamlNode node, string at, ProfileYamlNodes r) =>
        r.Mapping(node, at, new TestCodeLayout(), (c, key, v, path) => key switch
        {
            "components" => c with { Components = r.IntList(v, path, c.Components) },
            "separator" => c with { Separator = r.String(v, path, c.Separator) },
            "nameComponent" => c with { NameComponent = r.NullableInt(v, path) },
            "loincComponent" => c with { LoincComponent = r.NullableInt(v, path) },
            _ => null,
        });

    private static ResultLayout Result(YamlNode node, string at, ProfileYamlNodes r) =>
        r.Mapping(node, at, new ResultLayout(), (l, key, v, path) => key switch
        {
            "value" => l with { Value = r.String(v, path, l.Value) },
            "flagComponent" => l with { FlagComponent = r.NullableInt(v, path) },
            "referenceRangeComponent" => l with { ReferenceRangeComponent = r.NullableInt(v, path) },
            "timeFields" => l with { TimeFields = r.IntList(v, path, l.TimeFields) },
            _ => null,
        });

    private static SpecimenKindRule KindRule(YamlNode node, string at, ProfileYamlNodes r) =>
        r.Mapping(node, at, new SpecimenKindRule(), (k, key, v, path) => key switch
        {
            "specimenIdPrefixes" => k with { SpecimenIdPrefixes = r.StringList(v, path, k.SpecimenIdPrefixes) },
            "actionCodes" => k with { ActionCodes = r.StringList(v, path, k.ActionCodes) },
            "processingIds" => k with { ProcessingIds = r.StringList(v, path, k.ProcessingIds) },
            "specimenDescriptors" => k with { SpecimenDescriptors = r.StringList(v, path, k.SpecimenDescriptors) },
            "whenPatientRecordAbsent" => k with { WhenPatientRecordAbsent = r.Bool(v, path, k.WhenPatientRecordAbsent) },
            _ => null,
        });

    private static Hl7Layout Hl7(YamlNode node, string at, ProfileYamlNodes r) =>
        r.Mapping(node, at, new Hl7Layout(), (h, key, v, path) => key switch
        {
            "version" => h with { Version = r.String(v, path, h.Version) },
            "specimenId" => h with { SpecimenId = r.String(v, path, h.SpecimenId) },
            "alternateSpecimenId" => h with { AlternateSpecimenId = r.NullableString(v, path) },
            "patientId" => h with { PatientId = r.String(v, path, h.PatientId) },
            "testCode" => h with { TestCode = r.String(v, path, h.TestCode) },
            "qcProcessingIds" => h with { QcProcessingIds = r.StringList(v, path, h.QcProcessingIds) },
            "qcMarkers" => h with { QcMarkers = r.StringList(v, path, h.QcMarkers) },
            "calibrationMarkers" => h with { CalibrationMarkers = r.StringList(v, path, h.CalibrationMarkers) },
            "defaultCharset" => h with { DefaultCharset = r.String(v, path, h.DefaultCharset) },
            "hostQueryMessage" => h with { HostQueryMessage = r.NullableString(v, path) },
            "ackMode" => h with { AckMode = r.String(v, path, h.AckMode) },
            _ => null,
        });

}
