namespace EdgeLab.Simulator.Wire;

/// <summary>Why an exchange with the receiver could not go on; the message says the cause and what to check.</summary>
internal enum LinkFailure
{
    /// <summary>The receiver closed the connection (or the pty peer went away).</summary>
    Closed,
    /// <summary>No reply within the protocol's timer (LIS01-A2 §6.5.2, or the MLLP ACK timeout).</summary>
    Timeout,
    /// <summary>The receiver kept refusing (NAK to ENQ, six NAKs to one frame).</summary>
    Refused,
    /// <summary>The receiver answered something the protocol does not allow here.</summary>
    Protocol,
}

/// <summary>A typed failure of the simulator's link to the receiver; the CLI prints its message and exits non-zero.</summary>
internal sealed class SimulatorLinkException(LinkFailure failure, string message, Exception? inner = null)
    : IOException(message, inner)
{
    public LinkFailure Failure { get; } = failure;
}
