using Microsoft.Extensions.Logging;

namespace EdgeLab.Instruments.Scanner;

/// <summary>Log messages of the scanner area (device paths and reasons only; never a scanned text).</summary>
internal static partial class ScannerLog
{
    [LoggerMessage(EventId = 3300, Level = LogLevel.Warning, Message = "{Device} is not an evdev input device (EVIOCGRAB: {Reason}); reading it without an exclusive grab")]
    public static partial void NotGrabbed(ILogger logger, string device, string reason);
}
