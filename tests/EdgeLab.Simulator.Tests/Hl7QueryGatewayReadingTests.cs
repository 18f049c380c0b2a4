using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Message.Hl7;
using EdgeLab.Simulator.Hl7;
using GatewayHl7Message = EdgeLab.Instruments.Message.Hl7.Hl7Message;

namespace EdgeLab.Simulator.Tests;

/// <summary>
/// What the simulator sends in a query exchange, read by the gateway's own HL7 decoder (written apart): the query
/// yields the specimen, and the ACK^Q03 is taken as an acknowledgement — not quarantined as an unparseable message.
/// </summary>
public sealed class Hl7QueryGatewayReadingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 15, 0, TimeSpan.Zero);

    private static (GatewayHl7Message Message, Hl7Header Header) GatewayReads(string profile, Simulator.Hl7.Hl7Message sent)
    {
        var dir = ProfileCatalog.FindDefaultDirectory() ?? throw new InvalidOperationException("firmware-config/instruments not found");
        var dialect = Hl7DialectSettings.From(ProfileCatalog.LoadFile(Path.Combine(dir, profile + ".yaml")));
        var message = Hl7MessageDecoder.Parse(sent.ToWire(), dialect);
        return (message, Hl7Header.Read(message));
    }

    [Theory]
    [InlineData("qry", "mindray-bc5380", "2.3.1")]
    [InlineData("qbp", "generic-hl7", "2.5")]
    public void The_gateway_reads_the_specimen_from_the_simulators_query(string form, string profile, string version)
    {
        var kind = Hl7QueryKinds.Parse(form)!.Value;
        var sent = Hl7QueryMessageBuilder.Build(new Hl7QueryRequest(kind, "2611220042", "Q261122101500123", version, profile), Now);
        var (message, header) = GatewayReads(profile, sent);

        Assert.Equal(kind == Hl7QueryKind.QryQ02, Hl7MessageTypes.IsQryQ02(header));
        Assert.Equal(kind == Hl7QueryKind.QbpQ11, Hl7MessageTypes.IsQbpQ11(header));
        Assert.Equal("Q261122101500123", header.ControlId);
        Assert.Equal("2611220042", Hl7HostQuery.Read(message, header).SpecimenId);
    }

    [Fact]
    public void The_gateway_takes_the_simulators_ACK_Q03_as_an_acknowledgement()
    {
        var dsr = new Hl7AnswerHeader { ReceivingApplication = "mindray-bc5380", MessageCode = "DSR", TriggerEvent = "Q03", ControlId = "2611221015000002", Version = "2.3.1" };
        var (_, header) = GatewayReads("mindray-bc5380", Hl7QueryMessageBuilder.BuildAcknowledgement(dsr, "AA", "AQ1-2", Now));
        Assert.True(Hl7MessageTypes.IsAcknowledgement(header));
        Assert.Equal("ACK^Q03", header.MessageType);
    }
}
