using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Message.Lis2;
using EdgeLab.Instruments.Message.Lis2.Records;

namespace EdgeLab.Instruments.Dialect;

/// <summary>
/// Applies an <see cref="InstrumentProfile"/> to LIS02-A2 records: finds the specimen id, patient id and test codes
/// where the model puts them, keeps values as sent beside their numbers, attaches comments to what they follow
/// (LIS02-A2 §11: a C record belongs to the record before it) and tells patient, QC and calibration apart.
/// Only the fields that end up in a <see cref="DecodedMessage"/> are ever turned into strings.
/// </summary>
internal sealed class Lis2DialectDecoder : ILis2RecordHandler
{
    private readonly InstrumentProfile _profile;
    private readonly TimeZoneInfo _zone;
    private readonly List<DecodedMessage> _messages = [];
    private readonly List<Lis2HostQuery> _queries = [];
    private readonly List<string> _headerComments = [];
    private readonly List<string> _patientComments = [];
    private Lis2Delimiters _delimiters;
    private string? _processingId;
    private bool _patientSeen;
    private string? _patientId;
    private string? _patientRecordSpecimenId;
    private OrderGroup? _group;
    private Attach _lastRecord;
    private string? _terminationCode;

    private Lis2DialectDecoder(InstrumentProfile profile, TimeZoneInfo zone)
    {
        _profile = profile;
        _zone = zone;
    }

    private enum Attach { Header, Patient, Order, Result, Other }

    /// <summary>Decodes <paramref name="text"/> (H…L, records separated by CR or LF) under <paramref name="profile"/>.</summary>
    /// <exception cref="Lis2FormatException">The text is not LIS02-A2, or a field the profile reads is malformed.</exception>
    public static Lis2DecodeResult Decode(ReadOnlySpan<byte> text, InstrumentProfile profile, TimeZoneInfo siteZone)
    {
        var decoder = new Lis2DialectDecoder(profile, profile.ResolveTimeZone(siteZone));
        Lis2MessageParser.Parse(text, ref decoder, ProfileEncoding.Get(profile));
        decoder.Flush();
        return new Lis2DecodeResult(decoder._messages, decoder._queries, decoder._delimiters, decoder._terminationCode);
    }

    public void OnHeader(in HeaderRecord record)
    {
        _delimiters = record.Delimiters;
        _processingId = record.ProcessingIdField.Component(1).GetTrimmedString();
        _headerComments.Clear();
        _patientComments.Clear();
        _patientSeen = false;
        _patientId = null;
        _patientRecordSpecimenId = null;
        _lastRecord = Attach.Header;
    }

    public void OnPatient(in PatientRecord record)
    {
        Flush();
        _patientSeen = true;
        _patientComments.Clear();
        _patientId = _profile.PatientId.Record == 'P' ? Read(record.Record, _profile.PatientId) : null;
        // Point-of-care analyzers (Siemens DCA Vantage, Abbott Afinion) have no sample id field: the id the operator
        // keys in arrives in the P record, and the profile says so (specimenId: { record: P, … }).
        _patientRecordSpecimenId = _profile.SpecimenId.Record == 'P' ? Read(record.Record, _profile.SpecimenId) : null;
        _lastRecord = Attach.Patient;
    }

    public void OnOrder(in OrderRecord record)
    {
        Flush();
        var specimenId = _profile.SpecimenId.Record == 'O' ? Read(record.Record, _profile.SpecimenId) : _patientRecordSpecimenId;
        var patientId = _profile.PatientId.Record == 'O' ? Read(record.Record, _profile.PatientId) : _patientId;
        var action = record.ActionCodeField.Component(1).GetTrimmedString();
        var descriptor = record.Field(OrderRecord.SpecimenDescriptor).Component(1).GetTrimmedString();
        _group = new OrderGroup(specimenId, patientId, Classify(specimenId, action, descriptor))
        {
            // LIS02-A2 §9.4.6: the order's priority, echoed by the analyzer with its results (S stat, A ASAP, R routine).
            Priority = ResultPriority.FromCode(record.Field(OrderRecord.Priority).Component(1).Raw),
        };
        _lastRecord = Attach.Order;
    }

    public void OnResult(in ResultRecord record)
    {
        _group ??= new OrderGroup(null, _patientId, Classify(null, null, null));
        _group.Results.Add(ReadResult(record, _group));
        _lastRecord = Attach.Result;
    }

    public void OnComment(in CommentRecord record)
    {
        var text = record.TextField.GetString();
        if (string.IsNullOrWhiteSpace(text))
            return;
        switch (_lastRecord)
        {
            case Attach.Result when _group is { Results.Count: > 0 }:
                _group.Results[^1].Comments.Add(text);
                break;
            case Attach.Header:
                _headerComments.Add(text);
                break;
            case Attach.Patient:
                _patientComments.Add(text);
                break;
            default:
                if (_group is null)
                    _patientComments.Add(text);
                else
                    _group.Comments.Add(text);
                break;
        }
    }

    public void OnQuery(in QueryRecord record)
    {
        var ids = new List<string>();
        foreach (var repeat in record.StartingRangeField.Repeats)
        {
            if (repeat.Component(QueryRecord.SpecimenIdComponent).GetTrimmedString() is { } id)
                ids.Add(id);
        }
        _queries.Add(new Lis2HostQuery(ids, record.IsCancel, record.StatusField.GetTrimmedString()));
        _lastRecord = Attach.Other;
    }

    public void OnManufacturer(in ManufacturerRecord record) => _lastRecord = Attach.Other;

    public void OnScientific(in ScientificRecord record) => _lastRecord = Attach.Other;

    public void OnTerminator(in TerminatorRecord record)
    {
        Flush();
        _terminationCode = record.TerminationCodeField.GetTrimmedString() ?? TerminatorRecord.Normal.ToString();
        _lastRecord = Attach.Other;
    }

    private void Flush()
    {
        if (_group is null)
            return;
        var g = _group;
        _group = null;
        _messages.Add(new DecodedMessage
        {
            Profile = _profile.Name,
            SpecimenId = g.SpecimenId,
            PatientId = g.PatientId,
            Kind = g.Kind,
            Priority = g.Priority,
            Results = g.Results.Select(r => r.Build()).ToArray(),
            Comments = [.. _headerComments, .. _patientComments, .. g.Comments],
        });
    }

    private ResultBuilder ReadResult(in ResultRecord record, OrderGroup group)
    {
        var layout = _profile.Result;
        var testId = record.TestIdField;
        var code = ResultFields.ReadCode(testId, _profile.TestCode)
            ?? throw record.Record.Error("result without a test code", ResultRecord.UniversalTestId);
        // Two different universal test ids must never share a code (issue 10, item 8: GeneXpert's Ct and end-point
        // results took the main result's code under generic-lis2): the later one then keeps every component of R.3.
        var sent = testId.GetString() ?? "";
        if (group.TestIdByCode.TryGetValue(code, out var earlier) && earlier != sent)
            code = ResultFields.ReadAllComponents(testId, _profile.TestCode.Separator);
        group.TestIdByCode.TryAdd(code, sent);
        var value = ResultFields.ReadValue(record.ValueField, layout.Value);
        var (numeric, comparator) = ResultNumber.Parse(value);
        DateTimeOffset? completed = null;
        foreach (var field in layout.TimeFields)
        {
            completed = Lis2DateTime.Read(record.Record, field, _zone);
            if (completed is not null)
                break;
        }
        return new ResultBuilder
        {
            Code = code,
            Name = _profile.TestCode.NameComponent is int n ? testId.Component(n).GetTrimmedString() : null,
            Value = value,
            Numeric = numeric,
            Comparator = numeric is null ? null : comparator,
            Units = record.UnitsField.GetTrimmedString(),
            Flags = ResultFields.ReadFlags(record.AbnormalFlagsField, layout.FlagComponent),
            ReferenceRange = layout.ReferenceRangeComponent is int c
                ? record.ReferenceRangesField.Component(c).GetTrimmedString()
                : record.ReferenceRangesField.GetTrimmedString(),
            Status = record.StatusField.GetTrimmedString(),
            CompletedAt = completed,
        };
    }

    private static string? Read(in Lis2Record record, FieldLocation at)
    {
        var field = record.Field(at.Field);
        if (at.Repeat > 0)
            field = field.Repeat(at.Repeat);
        if (at.Component > 0)
            field = field.Component(at.Component);
        return at.Trim ? field.GetTrimmedString() : field.GetString();
    }

    private string Classify(string? specimenId, string? actionCode, string? descriptor)
    {
        if (Matches(_profile.Calibration, specimenId, actionCode, descriptor))
            return SpecimenKinds.Calibration;
        if (Matches(_profile.Qc, specimenId, actionCode, descriptor))
            return SpecimenKinds.Qc;
        return SpecimenKinds.Patient;
    }

    private bool Matches(SpecimenKindRule rule, string? specimenId, string? actionCode, string? descriptor)
    {
        if (rule.IsEmpty)
            return false;
        if (rule.WhenPatientRecordAbsent && !_patientSeen)
            return true;
        if (specimenId is not null && rule.SpecimenIdPrefixes.Any(p => specimenId.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            return true;
        if (actionCode is not null && rule.ActionCodes.Contains(actionCode, StringComparer.OrdinalIgnoreCase))
            return true;
        if (descriptor is not null && rule.SpecimenDescriptors.Contains(descriptor, StringComparer.OrdinalIgnoreCase))
            return true;
        return _processingId is not null && rule.ProcessingIds.Contains(_processingId, StringComparer.OrdinalIgnoreCase);
    }

    private sealed class OrderGroup(string? specimenId, string? patientId, string kind)
    {
        public string? SpecimenId { get; } = specimenId;
        public string? PatientId { get; } = patientId;
        public string Kind { get; } = kind;
        public string? Priority { get; init; }
        public List<ResultBuilder> Results { get; } = [];
        public List<string> Comments { get; } = [];
        /// <summary>Code → the R.3 it was read from, to keep codes apart within one order.</summary>
        public Dictionary<string, string> TestIdByCode { get; } = new(StringComparer.Ordinal);
    }
}
