namespace EdgeLab.Simulator.Astm;

/// <summary>How the simulated instrument runs its side of LIS01-A2; defaults are the standard's timers.</summary>
internal sealed record AstmSenderOptions
{
    /// <summary>247 for E1381-95 instruments, 64,000 for LIS01-A2 ones (§6.3.1).</summary>
    public int FrameSize { get; init; } = 247;
    public TimeSpan ReplyTimeout { get; init; } = AstmControl.ReplyTimeout;
    public TimeSpan NakOnEnqWait { get; init; } = AstmControl.NakOnEnqWait;
    public TimeSpan ContentionWait { get; init; } = AstmControl.InstrumentContentionWait;
    public TimeSpan InterruptYield { get; init; } = AstmControl.InterruptYield;
    /// <summary>ENQs tried (each NAKed or contended) before the session is given up.</summary>
    public int MaxEstablishAttempts { get; init; } = 6;
    /// <summary>Times one message is tried (after an abort: timeout, six NAKs, EOT fault) before it is reported FAILED.</summary>
    public int MaxMessageAttempts { get; init; } = 3;
}

/// <summary>Counters of one run, for the summary line.</summary>
internal sealed class AstmSendStatistics
{
    public int MessagesAcked { get; set; }
    public int MessagesFailed { get; set; }
    public int FramesSent { get; set; }
    public int Naks { get; set; }
    public int EnqNaks { get; set; }
    public int Contentions { get; set; }
    public int Interrupts { get; set; }
    public int Aborts { get; set; }
    public int BytesSent { get; set; }
    /// <summary>Messages the host sent while it had the line (after a receiver interrupt), as record texts.</summary>
    public List<IReadOnlyList<string>> HostMessages { get; } = [];
}

/// <summary>One message queued for sending, with the id printed on its output lines.</summary>
internal sealed record OutgoingAstmMessage(string Id, AstmMessage Message);
