using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Message.Lis2;
using EdgeLab.Instruments.Message.Lis2.Records;

namespace EdgeLab.Instruments.HostQuery;

/// <summary>
/// Answers an ASTM host query (LIS02-A2 §12, Q record) from the local order cache, in the instrument's dialect:
/// its delimiters (taken from its own H record), its test codes (<see cref="CachedOrderTest.InstrumentCodes"/> under
/// the profile name) placed in the component of O.5 where the model expects them, its specimen id position.
/// Nothing known → <c>H…</c> then <c>L|1|I</c> ("no information available from last query", §13.1.3).
/// </summary>
internal sealed class AstmHostQueryResponder(IOrderCache orders, TimeProvider time)
{
    private const string Version = "LIS2-A2";

    public async ValueTask<HostQueryAnswer> AnswerAsync(
        IReadOnlyList<string> specimenIds, InstrumentProfile profile, Lis2Delimiters delimiters, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var records = new List<string>
        {
            new Lis2RecordBuilder('H', delimiters)
                .Text(HeaderRecord.SenderNameOrId, profile.HostName)
                .Text(HeaderRecord.ProcessingId, "P")
                .Text(HeaderRecord.VersionNumber, Version)
                .Text(HeaderRecord.DateTimeOfMessage, Lis2DateTime.Format(time.GetUtcNow(), zone))
                .Build(),
        };
        var found = 0;
        var tests = 0;
        foreach (var id in specimenIds.Distinct(StringComparer.Ordinal))
        {
            var order = await orders.FindBySpecimenAsync(id, cancellationToken);
            if (order is null)
                continue;
            var codes = order.Tests
                .Select(t => t.InstrumentCodes.TryGetValue(profile.Name, out var code) ? code : null)
                .OfType<string>()
                .Where(c => c.Length > 0)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (codes.Count == 0)
                continue; // nothing this analyzer can run for that specimen
            found++;
            tests += codes.Count;
            records.Add(Patient(found, order, profile, delimiters));
            records.Add(Order(order, id, codes, profile, delimiters, zone));
        }
        var termination = found > 0 ? TerminatorRecord.Normal : TerminatorRecord.NoInformation;
        records.Add(new Lis2RecordBuilder('L', delimiters)
            .Text(TerminatorRecord.SequenceNumber, "1")
            .Text(TerminatorRecord.TerminationCode, termination.ToString())
            .Build());
        return new HostQueryAnswer(records, specimenIds.Count, found, tests, termination);
    }

    private static string Patient(int sequence, CachedOrder order, InstrumentProfile profile, Lis2Delimiters d)
    {
        var b = new Lis2RecordBuilder('P', d).Text(PatientRecord.SequenceNumber, sequence.ToString());
        var at = profile.PatientId.Record == 'P' ? profile.PatientId : new FieldLocation { Record = 'P', Field = PatientRecord.PracticeAssignedPatientId };
        Place(b, at, order.PatientId);
        b.Components(PatientRecord.PatientName, (1, order.PatientFamilyName), (2, order.PatientGivenName));
        b.Text(PatientRecord.Birthdate, order.PatientBirthDate?.ToString("yyyyMMdd"));
        b.Text(PatientRecord.PatientSex, order.PatientSex switch
        {
            "male" or "M" or "m" => "M",
            "female" or "F" or "f" => "F",
            null => null,
            _ => "U",
        });
        return b.Build();
    }

    private static string Order(CachedOrder order, string specimenId, List<string> codes, InstrumentProfile profile, Lis2Delimiters d, TimeZoneInfo zone)
    {
        var b = new Lis2RecordBuilder('O', d).Text(OrderRecord.SequenceNumber, "1");
        var at = profile.SpecimenId.Record == 'O' ? profile.SpecimenId : new FieldLocation { Record = 'O', Field = OrderRecord.SpecimenId };
        Place(b, at, specimenId);
        // O.5 (§9.4.5): one repeat per test, the code in the component where this model reads it (e.g. ^^^CODE).
        b.Repeats(OrderRecord.UniversalTestId, codes.Select(code => TestId(b, code, profile.TestCode)));
        b.Text(OrderRecord.Priority, order.Priority switch { "stat" => "S", "asap" => "A", _ => "R" });
        if (order.CollectedAt is { } collected)
            b.Text(OrderRecord.CollectionDateTime, Lis2DateTime.Format(collected, zone));
        b.Text(OrderRecord.ActionCode, OrderRecord.ActionNew.ToString());
        b.Text(OrderRecord.SpecimenDescriptor, order.SpecimenType);
        b.Text(OrderRecord.ReportTypes, OrderRecord.ReportResponseToQuery.ToString());
        return b.Build();
    }

    private static string TestId(Lis2RecordBuilder b, string code, TestCodeLayout layout)
    {
        // A code joined from several components when read (GeneXpert MTB-RIF/Xpert/…) is split back into them.
        var parts = layout.Components.Count > 1 ? code.Split(layout.Separator) : [code];
        var placed = new (int, string?)[Math.Min(parts.Length, layout.Components.Count)];
        for (var i = 0; i < placed.Length; i++)
            placed[i] = (layout.Components[i], parts[i]);
        if (parts.Length > layout.Components.Count)
            placed[^1] = (layout.Components[^1], string.Join(layout.Separator, parts[(layout.Components.Count - 1)..]));
        return b.ComponentsText(placed);
    }

    private static void Place(Lis2RecordBuilder b, FieldLocation at, string? value)
    {
        if (string.IsNullOrEmpty(value))
            return;
        if (at.Component <= 1 && at.Repeat == 0)
            b.Text(at.Field, value);
        else
            b.Components(at.Field, (at.Component, value));
    }
}
