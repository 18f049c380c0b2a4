using System.Text;
using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Link.Mllp;
using EdgeLab.Instruments.Message.Hl7;
using EdgeLab.Testing;

namespace EdgeLab.Instruments.Tests.Mllp;

/// <summary>An <see cref="MllpSession"/> running over an in-memory pipe, with the test as the analyzer (an <see cref="MllpClient"/>).</summary>
internal sealed class MllpSessionHarness : IAsyncDisposable
{
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();

    public MllpSessionHarness(InstrumentProfile? profile = null, Microsoft.Extensions.Logging.ILogger<MllpSession>? logger = null)
    {
        Session = new MllpSession("bc5380-1", profile ?? Tests.Hl7.Hl7TestData.Mindray, Sink, Orders, Time, TimeZoneInfo.Utc, logger);
        Client = new MllpClient(Pipe.Analyzer, Time);
        Running = Session.RunAsync(Pipe.Gateway, _stop.Token);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 21, 9, 30, 0, TimeSpan.Zero));
    public RecordingSink Sink { get; } = new();
    public InMemoryOrderCache Orders { get; } = new();
    public MllpTestPipe Pipe { get; } = new();
    public MllpSession Session { get; }
    public MllpClient Client { get; }
    public Task Running { get; }

    /// <summary>Sends a message in a block and returns the reply block parsed.</summary>
    public async Task<Hl7Message> ExchangeAsync(byte[] message)
    {
        var reply = await Client.SendAndReceiveAsync(message, ReplyTimeout, CancellationToken.None);
        return Hl7Message.Parse(reply);
    }

    public async Task<Hl7Message> ReceiveAsync() => Hl7Message.Parse(await Client.ReceiveAsync(ReplyTimeout, CancellationToken.None));

    public static string Text(Hl7Message m, int segment, int field) => m[segment].Field(field).ToString();

    public static string Ids(Hl7Message m) => string.Join(",", m.Segments.Select(s => s.Id));

    public async ValueTask DisposeAsync()
    {
        await Pipe.CloseAnalyzerAsync();
        await Running.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
        await Client.DisposeAsync();
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
