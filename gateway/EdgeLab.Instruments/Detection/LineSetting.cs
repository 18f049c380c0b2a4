using EdgeLab.Instruments.Transport;

namespace EdgeLab.Instruments.Detection;

/// <summary>A serial character format: baud rate and framing, e.g. <c>9600 8N1</c> or <c>2400 7E1</c>.</summary>
public readonly record struct LineSetting(int Baud, int DataBits, SerialParity Parity, int StopBits)
{
    /// <summary>The rates auto-detection listens at, in this order: the common analyzer rates, most common first.</summary>
    public static IReadOnlyList<int> UsualRates { get; } = [9600, 19200, 38400, 57600, 115200, 4800, 2400, 1200];

    /// <summary>The framing part, e.g. <c>8N1</c>, <c>7E1</c>.</summary>
    public string Framing => $"{DataBits}{Parity.ToString()[0]}{StopBits}";

    public static LineSetting EightNone(int baud) => new(baud, 8, SerialParity.None, 1);

    /// <summary>The settings of a serial port opened at this line setting on <paramref name="path"/>.</summary>
    public SerialPortSettings ToPortSettings(string path, SerialHandshake handshake = SerialHandshake.None) =>
        new(path, Baud, DataBits, Parity, StopBits, handshake);

    public override string ToString() => $"{Baud} {Framing}";
}
