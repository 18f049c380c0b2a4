using System.Buffers.Binary;
using System.Text;

namespace EdgeLab.Instruments.Scanner;

/// <summary>
/// Turns a Linux evdev byte stream from a USB HID keyboard scanner into scanned texts. Pure: bytes in (split
/// anywhere), texts out. Each <c>struct input_event</c> is a <c>struct timeval</c> (two longs: 16 bytes on 64-bit,
/// 8 on 32-bit), then u16 type, u16 code, s32 value; only EV_KEY presses matter. Shift is tracked, Caps Lock toggles,
/// Enter ends a scan.
/// </summary>
public sealed class EvdevScanDecoder(KeyboardLayout layout, int? eventSize = null)
{
    public const ushort EvKey = 0x01;
    public const int KeyRelease = 0, KeyPress = 1, KeyAutoRepeat = 2;

    /// <summary>sizeof(struct input_event) on this platform: two native longs of timeval, then 8 bytes.</summary>
    public static int PlatformEventSize => (2 * IntPtr.Size) + 8;

    private readonly int _eventSize = eventSize ?? PlatformEventSize;
    private readonly byte[] _partial = new byte[eventSize ?? PlatformEventSize];
    private readonly StringBuilder _text = new();
    private int _partialLength;
    private bool _leftShift;
    private bool _rightShift;
    private bool _capsLock;

    public int EventSize => _eventSize;

    /// <summary>Feeds bytes; calls <paramref name="onScan"/> for every scan that Enter completes in them.</summary>
    public void Feed(ReadOnlySpan<byte> bytes, Action<string> onScan)
    {
        ArgumentNullException.ThrowIfNull(onScan);
        while (!bytes.IsEmpty)
        {
            if (_partialLength > 0 || bytes.Length < _eventSize)
            {
                var take = Math.Min(_eventSize - _partialLength, bytes.Length);
                bytes[..take].CopyTo(_partial.AsSpan(_partialLength));
                _partialLength += take;
                bytes = bytes[take..];
                if (_partialLength < _eventSize) return;
                OnEvent(_partial, onScan);
                _partialLength = 0;
                continue;
            }
            OnEvent(bytes[.._eventSize], onScan);
            bytes = bytes[_eventSize..];
        }
    }

    private void OnEvent(ReadOnlySpan<byte> e, Action<string> onScan)
    {
        var at = _eventSize - 8; // after struct timeval
        var type = BinaryPrimitives.ReadUInt16LittleEndian(e[at..]);
        var code = BinaryPrimitives.ReadUInt16LittleEndian(e[(at + 2)..]);
        var value = BinaryPrimitives.ReadInt32LittleEndian(e[(at + 4)..]);
        if (type != EvKey) return; // EV_SYN, EV_MSC (scan codes), EV_LED…
        switch (code)
        {
            case KeyboardLayout.KeyLeftShift:
                _leftShift = value != KeyRelease;
                return;
            case KeyboardLayout.KeyRightShift:
                _rightShift = value != KeyRelease;
                return;
        }
        if (value != KeyPress) return; // releases and auto-repeat (a scanner does not hold keys) type nothing
        switch (code)
        {
            case KeyboardLayout.KeyCapsLock:
                _capsLock = !_capsLock;
                return;
            case KeyboardLayout.KeyEnter or KeyboardLayout.KeyKeypadEnter:
                if (_text.Length > 0) onScan(_text.ToString());
                _text.Clear();
                return;
        }
        if (layout.Map(code, _leftShift || _rightShift, _capsLock) is { } c) _text.Append(c);
    }

    /// <summary>Encodes one event as the kernel would (for tests and recordings): timeval, type, code, value.</summary>
    public static byte[] Encode(ushort type, ushort code, int value, int eventSize, long seconds = 0, long microseconds = 0)
    {
        var e = new byte[eventSize];
        var half = (eventSize - 8) / 2;
        if (half == 8)
        {
            BinaryPrimitives.WriteInt64LittleEndian(e, seconds);
            BinaryPrimitives.WriteInt64LittleEndian(e.AsSpan(8), microseconds);
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(e, (int)seconds);
            BinaryPrimitives.WriteInt32LittleEndian(e.AsSpan(4), (int)microseconds);
        }
        BinaryPrimitives.WriteUInt16LittleEndian(e.AsSpan(eventSize - 8), type);
        BinaryPrimitives.WriteUInt16LittleEndian(e.AsSpan(eventSize - 6), code);
        BinaryPrimitives.WriteInt32LittleEndian(e.AsSpan(eventSize - 4), value);
        return e;
    }
}
