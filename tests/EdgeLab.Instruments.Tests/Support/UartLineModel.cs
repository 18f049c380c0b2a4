using EdgeLab.Instruments.Detection;
using EdgeLab.Instruments.Transport;

namespace EdgeLab.Instruments.Tests.Support;

/// <summary>
/// What a serial receiver set to one rate and framing reads from a sender at another: the bytes the auto-detection
/// scorer sees on a real RS-232 line when it listens at the wrong setting. A pseudo-terminal cannot show this (it
/// passes bytes, not bits, whatever the baud), so the tests make these bytes here, from first principles:
/// </summary>
/// <remarks>
/// <para>Transmit: each byte becomes line levels over time at the sender's bit time 1/baud — start bit (0), data bits
/// least significant first, the parity bit if any, stop bit(s) (1) — with an idle gap (1) between characters, as a
/// UART does (TIA-232 mark = 1 = idle).</para>
/// <para>Receive: like a 16550-style UART at the receiver's bit time: wait for a falling edge, check the start bit in
/// its middle (a glitch is ignored), sample each data bit, the parity bit and the stop bit in their middles, then look
/// for the next falling edge from the stop bit on. A stop bit read as 0 is a framing error, a wrong parity bit a
/// parity error; Linux termios without IGNPAR and PARMRK hands either to read(2) as a NUL byte (termios(3), INPCK
/// for parity), which is what the gateway's raw port does. A 7-bit receiver returns the low 7 bits.</para>
/// </remarks>
internal static class UartLineModel
{
    /// <summary>Bytes a receiver at <paramref name="receiver"/> reads when a sender at <paramref name="sender"/> sends <paramref name="bytes"/>.</summary>
    /// <param name="gapBits">Idle time between the sender's characters, in the sender's bit times (0 = back to back).</param>
    public static byte[] Relay(ReadOnlySpan<byte> bytes, LineSetting sender, LineSetting receiver, double gapBits = 0) =>
        Receive(Transmit(bytes, sender, gapBits), receiver);

    /// <summary>The line as runs of one level: (start time in seconds, level). The line idles at 1 before and after.</summary>
    public static List<(double At, int Level)> Transmit(ReadOnlySpan<byte> bytes, LineSetting sender, double gapBits = 0)
    {
        var bit = 1.0 / sender.Baud;
        var runs = new List<(double At, int Level)> { (0, 1) };
        var t = 2 * bit;
        void Level(int level)
        {
            if (runs[^1].Level != level) runs.Add((t, level));
            t += bit;
        }
        foreach (var b in bytes)
        {
            Level(0);
            var ones = 0;
            for (var i = 0; i < sender.DataBits; i++)
            {
                var v = (b >> i) & 1;
                ones += v;
                Level(v);
            }
            if (sender.Parity != SerialParity.None)
                Level(sender.Parity == SerialParity.Even ? ones & 1 : (ones & 1) ^ 1);
            for (var i = 0; i < sender.StopBits; i++) Level(1);
            t += gapBits * bit;
        }
        runs.Add((t + (20 * bit), 1));
        return runs;
    }

    public static byte[] Receive(List<(double At, int Level)> line, LineSetting receiver)
    {
        var bit = 1.0 / receiver.Baud;
        var end = line[^1].At;
        var read = new List<byte>();
        var from = 0.0;
        while (NextFallingEdge(line, from) is { } edge && edge < end)
        {
            if (LevelAt(line, edge + (bit / 2)) != 0)
            {
                from = edge + (bit / 2);
                continue;
            }
            var value = 0;
            var ones = 0;
            var sampleAt = edge + (1.5 * bit);
            for (var i = 0; i < receiver.DataBits; i++, sampleAt += bit)
            {
                var v = LevelAt(line, sampleAt);
                value |= v << i;
                ones += v;
            }
            var parityOk = true;
            if (receiver.Parity != SerialParity.None)
            {
                var p = LevelAt(line, sampleAt);
                parityOk = p == (receiver.Parity == SerialParity.Even ? ones & 1 : (ones & 1) ^ 1);
                sampleAt += bit;
            }
            var stopOk = LevelAt(line, sampleAt) == 1;
            read.Add(stopOk && parityOk ? (byte)value : (byte)0);
            from = sampleAt;
        }
        return [.. read];
    }

    private static int LevelAt(List<(double At, int Level)> line, double t)
    {
        var i = IndexAtOrAfter(line, t);
        // line[i - 1] is the last run starting at or before t (runs alternate levels, the first starts at 0).
        if (i < line.Count && line[i].At == t) return line[i].Level;
        return i == 0 ? 1 : line[i - 1].Level;
    }

    private static double? NextFallingEdge(List<(double At, int Level)> line, double from)
    {
        // Runs alternate, so every run at level 0 begins with a falling edge. If the line is already low at 'from'
        // (after a framing error) the next falling edge comes after it has gone high again.
        for (var i = IndexAtOrAfter(line, from); i < line.Count; i++)
        {
            if (line[i].Level == 0) return line[i].At;
        }
        return null;
    }

    private static int IndexAtOrAfter(List<(double At, int Level)> line, double t)
    {
        int lo = 0, hi = line.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (line[mid].At < t) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
