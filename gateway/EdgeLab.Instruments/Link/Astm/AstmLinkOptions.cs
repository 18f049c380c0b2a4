using System.Text;
using EdgeLab.Instruments.Dialect;

namespace EdgeLab.Instruments.Link.Astm;

/// <summary>Which end of the line this session is: it decides who yields on contention (LIS01-A2 §6.2.7).</summary>
public enum LinkRole : byte
{
    /// <summary>The laboratory computer (the gateway): yields on contention and waits 20 s before bidding again.</summary>
    Computer = 0,

    /// <summary>The instrument (the simulator): keeps priority on contention and bids again after 1 s.</summary>
    Instrument = 1,
}

/// <summary>
/// Settings of one ASTM E1381 / LIS01-A2 link. Times default to the standard's (LIS01-A2 §6.5.2); they are settable
/// for instruments that need longer, never for tests (tests move a fake clock instead).
/// </summary>
public sealed record AstmLinkOptions
{
    public required string InstrumentId { get; init; }

    /// <summary>Largest frame, STX through LF: 247 (E1381-95) or 64,000 (LIS01-A2 §6.3.1.1).</summary>
    public int MaxFrameSize { get; init; } = AstmControl.E1381MaxFrameSize;

    /// <summary>Accept frames ending in a bare CR or LF (seen in real captures); otherwise they are NAKed.</summary>
    public bool TolerateBareLineEnds { get; init; }

    public LinkRole Role { get; init; } = LinkRole.Computer;

    /// <summary>Encoding of the record text we send.</summary>
    public Encoding TextEncoding { get; init; } = Encoding.Latin1;

    /// <summary>Sender: longest wait for the reply to ENQ or to a frame (LIS01-A2 §6.5.2.1: 15 s).</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Receiver: longest wait for the next frame or EOT (LIS01-A2 §6.5.2.2: 30 s).</summary>
    public TimeSpan ReceiveTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Sender: wait after ENQ was answered with NAK, before bidding again (LIS01-A2 §6.2.4: at least 10 s).</summary>
    public TimeSpan BusyRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Computer: wait after losing a contention before bidding again (LIS01-A2 §6.2.7.1: at least 20 s).</summary>
    public TimeSpan ComputerContentionDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Instrument: wait after a contention before bidding again (LIS01-A2 §6.2.7.2: at least 1 s).</summary>
    public TimeSpan InstrumentContentionDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Sender: no new ENQ this long after honouring a receiver interrupt (LIS01-A2 §6.3.5: 15 s).</summary>
    public TimeSpan InterruptHoldOff { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Sender: a frame is sent at most this many times; then the message is aborted (LIS01-A2 §6.3.4.2: six).</summary>
    public int MaxFrameAttempts { get; init; } = 6;

    /// <summary>Sender: ENQ bids (NAKed or unanswered) before a message is given up; the caller may queue it again.</summary>
    public int MaxEstablishmentAttempts { get; init; } = 6;

    /// <summary>The link settings of an instrument's dialect profile.</summary>
    public static AstmLinkOptions FromProfile(string instrumentId, InstrumentProfile profile, LinkRole role = LinkRole.Computer)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new AstmLinkOptions
        {
            InstrumentId = instrumentId,
            MaxFrameSize = profile.MaxFrameSize,
            TolerateBareLineEnds = profile.TolerateBareLineEnds,
            Role = role,
            TextEncoding = AstmTextEncoding.Resolve(profile.Encoding),
        };
    }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(InstrumentId);
        if (MaxFrameSize is < AstmControl.FrameOverhead + 2 or > AstmControl.Lis01A2MaxFrameSize)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFrameSize), MaxFrameSize,
                $"frames hold 9 to {AstmControl.Lis01A2MaxFrameSize} bytes (LIS01-A2 §6.3.1.1)");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFrameAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEstablishmentAttempts, 1);
    }
}
