using Microsoft.Extensions.Logging;

namespace EdgeLab.Instruments.Link.Astm;

/// <summary>Log messages of the ASTM link layer. They name instruments, frame numbers and byte offsets, never record text (no patient data).</summary>
internal static partial class AstmLinkLog
{
    [LoggerMessage(1, LogLevel.Warning, "{InstrumentId}: not ready to receive, ENQ answered with NAK")]
    public static partial void NotReady(ILogger logger, string instrumentId);

    [LoggerMessage(2, LogLevel.Warning, "{InstrumentId}: frame rejected with NAK: {Description}")]
    public static partial void FrameRejected(ILogger logger, string instrumentId, string description);

    [LoggerMessage(3, LogLevel.Warning, "{InstrumentId}: frame number {Received} at byte {Offset}, expected {Expected}: NAK")]
    public static partial void WrongFrameNumber(ILogger logger, string instrumentId, int received, int expected, long offset);

    [LoggerMessage(4, LogLevel.Information, "{InstrumentId}: frame {FrameNumber} repeated (our ACK was lost): ACK and drop")]
    public static partial void DuplicateFrame(ILogger logger, string instrumentId, int frameNumber);

    [LoggerMessage(5, LogLevel.Debug, "{InstrumentId}: message of {Frames} frames, {Bytes} bytes received")]
    public static partial void MessageReceived(ILogger logger, string instrumentId, int frames, int bytes);

    [LoggerMessage(6, LogLevel.Warning, "{InstrumentId}: message not accepted by the store: last frame NAKed, the instrument will send it again")]
    public static partial void MessageRefused(ILogger logger, string instrumentId);

    [LoggerMessage(7, LogLevel.Error, "{InstrumentId}: message handler failed: last frame NAKed")]
    public static partial void HandlerFailed(ILogger logger, string instrumentId, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "{InstrumentId}: incomplete message of {Frames} frames discarded: {Reason}")]
    public static partial void IncompleteMessage(ILogger logger, string instrumentId, int frames, string reason);

    [LoggerMessage(9, LogLevel.Information, "{InstrumentId}: contention (both sent ENQ) as {Role}: next bid in {Delay}")]
    public static partial void Contention(ILogger logger, string instrumentId, LinkRole role, TimeSpan delay);

    [LoggerMessage(10, LogLevel.Information, "{InstrumentId}: ENQ {Outcome} (bid {Attempt}): next bid in {Delay}")]
    public static partial void BidFailed(ILogger logger, string instrumentId, string outcome, int attempt, TimeSpan delay);

    [LoggerMessage(11, LogLevel.Warning, "{InstrumentId}: frame {FrameNumber} not acknowledged (attempt {Attempt})")]
    public static partial void FrameNotAcknowledged(ILogger logger, string instrumentId, int frameNumber, int attempt);

    [LoggerMessage(12, LogLevel.Warning, "{InstrumentId}: sending a message ended: {Status}")]
    public static partial void SendFailed(ILogger logger, string instrumentId, AstmSendStatus status);

    [LoggerMessage(13, LogLevel.Information, "{InstrumentId}: receiver interrupt (EOT in place of ACK) on frame {FrameNumber}: line released")]
    public static partial void ReceiverInterrupt(ILogger logger, string instrumentId, int frameNumber);

    [LoggerMessage(14, LogLevel.Debug, "{InstrumentId}: message of {Frames} frames sent")]
    public static partial void MessageSent(ILogger logger, string instrumentId, int frames);

    [LoggerMessage(15, LogLevel.Debug, "{InstrumentId}: {Kind} at byte {Offset} ignored while the line is neutral")]
    public static partial void IgnoredInNeutral(ILogger logger, string instrumentId, string kind, long offset);

    [LoggerMessage(16, LogLevel.Information, "{InstrumentId}: asking the instrument to release the line (receiver interrupt)")]
    public static partial void InterruptRequested(ILogger logger, string instrumentId);

    [LoggerMessage(40, LogLevel.Information, "{InstrumentId}: host query answer not sent: the connection that asked ended; the analyzer asks again on its next connection")]
    public static partial void StaleReplyDropped(ILogger logger, string instrumentId);
}
