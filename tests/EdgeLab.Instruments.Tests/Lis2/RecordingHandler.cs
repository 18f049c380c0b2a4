using System.Text;
using EdgeLab.Instruments.Message.Lis2;
using EdgeLab.Instruments.Message.Lis2.Records;

namespace EdgeLab.Instruments.Tests.Lis2;

/// <summary>Writes down what the parser reports: type letter, record number, offset and the raw record text.</summary>
internal sealed class RecordingHandler : ILis2RecordHandler
{
    public List<(char Type, int Number, long Offset, string Raw)> Records { get; } = [];
    public List<string> ResultValues { get; } = [];
    public List<string> ResultFlagsRepeats { get; } = [];

    private void Add(in Lis2Record r) => Records.Add((r.Type, r.RecordNumber, r.ByteOffset, Encoding.Latin1.GetString(r.Raw)));

    public void OnHeader(in HeaderRecord record) => Add(record.Record);
    public void OnPatient(in PatientRecord record) => Add(record.Record);
    public void OnOrder(in OrderRecord record) => Add(record.Record);

    public void OnResult(in ResultRecord record)
    {
        Add(record.Record);
        ResultValues.Add(record.ValueField.GetString() ?? "");
        foreach (var repeat in record.AbnormalFlagsField.Repeats)
            ResultFlagsRepeats.Add(repeat.GetString() ?? "");
    }

    public void OnComment(in CommentRecord record) => Add(record.Record);
    public void OnQuery(in QueryRecord record) => Add(record.Record);
    public void OnManufacturer(in ManufacturerRecord record) => Add(record.Record);
    public void OnScientific(in ScientificRecord record) => Add(record.Record);
    public void OnTerminator(in TerminatorRecord record) => Add(record.Record);
}
