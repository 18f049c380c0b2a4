using System.Text;
using EdgeLab.Instruments.Application.Astm;
using EdgeLab.Instruments.HostQuery;
using EdgeLab.Instruments.Link.Astm;
using EdgeLab.Instruments.Message.Lis2;
using EdgeLab.Instruments.Outbound;
using EdgeLab.Instruments.Tests.CaptureDecode;
using EdgeLab.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Instruments.Tests.HostQueryAnswers;

public class AstmMessageProcessorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
    private readonly RecordingSink _sink = new();
    private readonly InMemoryOrderCache _orders = new();

    private AstmMessageProcessor Processor(string profile = "ortho-vitros") => new(
        "vitros-1", Samples.Catalog.Get(profile), _sink, _orders, TimeZoneInfo.Utc, new FakeTimeProvider(Now),
        NullLogger<AstmMessageProcessor>.Instance);

    [Fact]
    public async Task With_host_query_disabled_a_Q_record_gets_no_information_without_consulting_the_order_cache()
    {
        _orders.Add(Order("1068687", "1.0000+002+1.0"));
        var log = new EdgeLab.Instruments.Tests.Support.RecordingLogger<AstmMessageProcessor>();
        var processor = new AstmMessageProcessor("vitros-1", Samples.Catalog.Get("ortho-vitros") with { HostQuery = false }, _sink, _orders,
            TimeZoneInfo.Utc, new FakeTimeProvider(Now), log);

        var outcome = await processor.OnMessageAsync(SampleMessage("ortho_vitros3600_host_query_Q.astm"), default);

        // LIS02-A2 §13.1.3: termination code I, "no information available from last query".
        Assert.True(outcome.Accepted);
        Assert.Equal(["H|\\^&|||EdgeLab|||||||P|LIS2-A2|20261121100000", "L|1|I"], outcome.Reply);
        Assert.Equal(0, _orders.Lookups);
        Assert.Empty(_sink.Committed);
        var entry = Assert.Single(log.Inner.Entries, e => e.EventId.Id == 3209);
        Assert.Contains("host query is disabled for this instrument (profile hostQuery: false)", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Messages, m => m.Contains("1068687", StringComparison.Ordinal));
    }

    private static AstmReceivedMessage Message(string records)
    {
        var bytes = Encoding.Latin1.GetBytes(records.Replace("\n", "\r", StringComparison.Ordinal));
        return new AstmReceivedMessage(bytes, new Transcript([new TranscriptChunk(Now, TranscriptDirection.FromInstrument, bytes)]), Now, Now);
    }

    private static AstmReceivedMessage SampleMessage(string sample)
    {
        var wire = File.ReadAllBytes(Samples.AstmPath(sample));
        var text = Assert.Single(AstmCaptureDecoder.Decode(wire, tolerateBareLineEnds: true)).Text;
        return new AstmReceivedMessage(text, new Transcript([new TranscriptChunk(Now, TranscriptDirection.FromInstrument, wire)]), Now, Now);
    }

    private static CachedOrder Order(string specimen, params string[] vitrosCodes) => new()
    {
        OrderId = "ord-" + specimen,
        SpecimenId = specimen,
        PatientId = "P-77",
        PatientFamilyName = "Testova",
        PatientGivenName = "Anna",
        PatientSex = "female",
        PatientBirthDate = new DateOnly(1980, 2, 3),
        Priority = "stat",
        Tests = vitrosCodes.Select(c => new CachedOrderTest("LOINC-" + c, new Dictionary<string, string> { ["ortho-vitros"] = c })).ToList(),
    };

    [Fact]
    public async Task A_message_with_results_and_Q_records_keeps_the_results_before_answering_the_query()
    {
        // Issue 10 item 1: QC lot data sent with Q records was taken for a host query: answered L|1|I, ACKed, and the
        // results were written nowhere.
        var outcome = await Processor().OnMessageAsync(Message(
            "H|\\^&\nQ|1|^QC-LOT-7||^^^ALL\nO|1|QC-LOT-7||^^^1.0000+002+1.0|R\nR|1|^^^1.0000+002+1.0|1.5|nmol/L||||V\nL|1|N\n"), default);

        Assert.True(outcome.Accepted);
        var committed = Assert.Single(_sink.Committed);
        Assert.Null(committed.DecodeError);
        Assert.Equal("QC-LOT-7", committed.Decoded!.SpecimenId);
        Assert.Equal("1.5", Assert.Single(committed.Decoded.Results).Value);
        Assert.Equal("L|1|I", outcome.Reply![^1]);
    }

    [Fact]
    public async Task Results_are_committed_before_ack_with_transcript()
    {
        var outcome = await Processor().OnMessageAsync(SampleMessage("ortho_vitros3600_results_M_records_repeat_flags.astm"), default);

        Assert.True(outcome.Accepted);
        Assert.Null(outcome.Reply);
        var committed = Assert.Single(_sink.Committed);
        Assert.Equal("vitros-1", committed.InstrumentId);
        Assert.Equal("ortho-vitros", committed.Profile);
        Assert.Equal("astm", committed.Protocol);
        Assert.Null(committed.DecodeError);
        Assert.Equal("1111111", committed.Decoded!.SpecimenId);
        Assert.Equal(8, committed.Decoded.Results.Count);
        Assert.Equal(File.ReadAllBytes(Samples.AstmPath("ortho_vitros3600_results_M_records_repeat_flags.astm")), committed.Transcript.ToArray());
    }

    [Fact]
    public async Task A_message_with_two_orders_is_committed_as_parts_0_and_1_of_one_transcript()
    {
        var outcome = await Processor().OnMessageAsync(Message("H|\\^&\nP|1\nO|1|2222221^3^1||^^^1.0000+002+1.0|R\nR|1|^^^1.0000+002+1.0|1.5|nmol/L||||V\nO|2|2222222^3^1||^^^1.0000+002+1.0|R\nR|1|^^^1.0000+002+1.0|2.5|nmol/L||||V\nL|1|N\n"), default);

        Assert.True(outcome.Accepted);
        Assert.Equal(["2222221", "2222222"], _sink.Committed.Select(c => c.Decoded!.SpecimenId));
        Assert.Equal([0, 1], _sink.Committed.Select(c => c.Part));
        Assert.Same(_sink.Committed[0].Transcript, _sink.Committed[1].Transcript);
    }

    [Theory]
    [InlineData(CommitOutcome.StoreFull)]
    [InlineData(CommitOutcome.Failed)]
    public async Task Not_committed_means_not_accepted(CommitOutcome outcome)
    {
        _sink.Outcome = outcome;
        var result = await Processor().OnMessageAsync(SampleMessage("ortho_vitros3600_results_M_records_repeat_flags.astm"), default);
        Assert.False(result.Accepted);
    }

    [Fact]
    public async Task Unparseable_message_is_quarantined_with_raw_bytes_never_dropped()
    {
        var outcome = await Processor().OnMessageAsync(Message("H|\\^&\nR|1|^^^X|1|||||F||||notatime\nL|1|N\n"), default);

        Assert.True(outcome.Accepted);
        var q = Assert.Single(_sink.Committed);
        Assert.Null(q.Decoded);
        Assert.Contains("record 2 (R), field R.13", q.DecodeError, StringComparison.Ordinal);
        Assert.NotEqual(0, q.Transcript.Length);
    }

    [Fact]
    public async Task Host_query_is_answered_in_the_instruments_dialect_and_not_committed()
    {
        _orders.Add(Order("1068687", "1.0000+002+1.0", "1.0000+950+1.0"));

        var outcome = await Processor().OnMessageAsync(SampleMessage("ortho_vitros3600_host_query_Q.astm"), default);

        Assert.True(outcome.Accepted);
        Assert.Empty(_sink.Committed);
        Assert.Equal(
        [
            "H|\\^&|||EdgeLab|||||||P|LIS2-A2|20261121100000",
            "P|1|P-77|||Testova^Anna||19800203|F", // P.3 patient id, P.6 name, P.8 birth date, P.9 sex
            "O|1|1068687||^^^1.0000+002+1.0\\^^^1.0000+950+1.0|S||||||N||||||||||||||Q",
            "L|1|N",
        ], outcome.Reply);
    }

    [Fact]
    public async Task Unknown_specimen_is_answered_with_no_information()
    {
        var outcome = await Processor().OnMessageAsync(SampleMessage("ortho_vitros3600_host_query_Q.astm"), default);

        Assert.True(outcome.Accepted);
        Assert.Equal(["H|\\^&|||EdgeLab|||||||P|LIS2-A2|20261121100000", "L|1|I"], outcome.Reply);
        Assert.Equal(1, _orders.Lookups);
    }

    [Fact]
    public async Task Order_without_tests_for_this_analyzer_is_no_information()
    {
        _orders.Add(Order("1068687") with { Tests = [new CachedOrderTest("GLU", new Dictionary<string, string> { ["sysmex-xn"] = "WBC" })] });
        var outcome = await Processor().OnMessageAsync(SampleMessage("ortho_vitros3600_host_query_Q.astm"), default);
        Assert.Equal("L|1|I", outcome.Reply![^1]);
    }

    [Fact]
    public async Task Cancel_gets_no_reply_and_nothing_committed()
    {
        var outcome = await Processor().OnMessageAsync(SampleMessage("ortho_vitros3600_host_query_abort_Q-A_L-T.astm"), default);

        Assert.True(outcome.Accepted);
        Assert.Null(outcome.Reply);
        Assert.Empty(_sink.Committed);
        Assert.Equal(0, _orders.Lookups);
    }

    [Fact]
    public async Task Only_one_outstanding_query_and_a_cancel_withdraws_it()
    {
        _orders.Add(Order("1068687", "1.0000+002+1.0"));
        _orders.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var processor = Processor();

        var first = processor.OnMessageAsync(SampleMessage("ortho_vitros3600_host_query_Q.astm"), default).AsTask();
        var second = await processor.OnMessageAsync(SampleMessage("ortho_vitros3600_host_query_Q.astm"), default);
        Assert.False(second.Accepted); // refused: the instrument repeats it later

        var cancel = await processor.OnMessageAsync(SampleMessage("ortho_vitros3600_host_query_abort_Q-A_L-T.astm"), default);
        Assert.Null(cancel.Reply);
        var firstOutcome = await first;
        Assert.True(firstOutcome.Accepted);
        Assert.Null(firstOutcome.Reply); // withdrawn: nothing to send

        _orders.Gate = null;
        var again = await processor.OnMessageAsync(SampleMessage("ortho_vitros3600_host_query_Q.astm"), default);
        Assert.Equal("L|1|N", again.Reply![^1]);
    }

    [Fact]
    public async Task Reply_uses_the_delimiters_of_the_instruments_header_and_escapes_values()
    {
        _orders.Add(Order("S-9", "GLU") with { PatientFamilyName = "O`Hara^Smith", Tests = [new CachedOrderTest("GLU", new Dictionary<string, string> { ["erba-xl"] = "GLU" }), new CachedOrderTest("K", new Dictionary<string, string> { ["erba-xl"] = "K" })] });

        var outcome = await Processor("erba-xl").OnMessageAsync(Message("H|`^&\nQ|1|^S-9||ALL||||||||O\nL|1|N\n"), default);

        Assert.Equal("H|`^&|||EdgeLab|||||||P|LIS2-A2|20261121100000", outcome.Reply![0]);
        Assert.Equal("P|1|P-77|||O&R&Hara&S&Smith^Anna||19800203|F", outcome.Reply[1]);
        Assert.StartsWith("O|1|S-9||^^^GLU`^^^K|S|", outcome.Reply[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Incomplete_message_is_kept_for_audit()
    {
        await Processor().OnIncompleteMessageAsync(Message("H|\\^&\nP|1\n"), "EOT mid-message", default);

        var kept = Assert.Single(_sink.Committed);
        Assert.Null(kept.Decoded);
        Assert.Contains("EOT mid-message", kept.DecodeError, StringComparison.Ordinal);
    }
}
