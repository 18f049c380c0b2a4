using EdgeLab.Instruments.Message.Lis2.Records;

namespace EdgeLab.Instruments.Message.Lis2;

/// <summary>
/// What <see cref="Lis2MessageParser"/> reports, one call per record in message order (STYLE.md: parsers push into
/// small handler interfaces). The records are views of the message bytes, valid only during the call: read what you
/// need then and there. A handler may throw <see cref="Lis2FormatException"/> for a field it cannot accept.
/// </summary>
internal interface ILis2RecordHandler
{
    void OnHeader(in HeaderRecord record);
    void OnPatient(in PatientRecord record);
    void OnOrder(in OrderRecord record);
    void OnResult(in ResultRecord record);
    void OnComment(in CommentRecord record);
    void OnQuery(in QueryRecord record);
    void OnManufacturer(in ManufacturerRecord record);
    void OnScientific(in ScientificRecord record);
    void OnTerminator(in TerminatorRecord record);
}
