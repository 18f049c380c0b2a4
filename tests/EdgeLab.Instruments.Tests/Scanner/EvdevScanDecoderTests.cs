using EdgeLab.Instruments.Scanner;

namespace EdgeLab.Instruments.Tests.Scanner;

/// <summary>
/// Recorded evdev streams, generated here from key sequences exactly as the kernel writes them (EV_MSC scan code,
/// EV_KEY press/release, EV_SYN after each), decoded by the pure decoder.
/// </summary>
public sealed class EvdevScanDecoderTests
{
    private const ushort EvSyn = 0, EvMsc = 4, LeftShift = 42, Enter = 28;

    /// <summary>A key stroke as a HID keyboard sends it: MSC_SCAN, press, SYN, MSC_SCAN, release, SYN.</summary>
    private static IEnumerable<byte[]> Stroke(ushort code, int size, bool shift = false)
    {
        if (shift) yield return EvdevScanDecoder.Encode(EvdevScanDecoder.EvKey, LeftShift, 1, size);
        yield return EvdevScanDecoder.Encode(EvMsc, 4, 0x70000 + code, size);
        yield return EvdevScanDecoder.Encode(EvdevScanDecoder.EvKey, code, 1, size, 1_763_715_600, 1000);
        yield return EvdevScanDecoder.Encode(EvSyn, 0, 0, size);
        yield return EvdevScanDecoder.Encode(EvdevScanDecoder.EvKey, code, 0, size);
        yield return EvdevScanDecoder.Encode(EvSyn, 0, 0, size);
        if (shift) yield return EvdevScanDecoder.Encode(EvdevScanDecoder.EvKey, LeftShift, 0, size);
    }

    private static byte[] Recording(int size, params (ushort Code, bool Shift)[] keys) =>
        keys.SelectMany(k => Stroke(k.Code, size, k.Shift)).SelectMany(b => b).ToArray();

    // "Ab-12" then Enter on US keys: A=30 (shifted), B=48, minus=12, 1=2, 2=3.
    private static readonly (ushort, bool)[] AbDash12Enter = [(30, true), (48, false), (12, false), (2, false), (3, false), (Enter, false)];

    [Fact]
    public void Event_size_comes_from_the_platform()
    {
        Assert.Equal(IntPtr.Size == 8 ? 24 : 16, EvdevScanDecoder.PlatformEventSize);
    }

    [Theory]
    [InlineData(24)]
    [InlineData(16)]
    public void Decodes_a_US_scan_with_shift_ended_by_Enter(int eventSize)
    {
        var scans = new List<string>();
        new EvdevScanDecoder(KeyboardLayout.Us, eventSize).Feed(Recording(eventSize, AbDash12Enter), scans.Add);
        Assert.Equal(["Ab-12"], scans);
    }

    [Fact]
    public void Decodes_the_same_keys_as_ЙЦУКЕН_with_a_Russian_layout()
    {
        // Keys Q W E R T Y, shift on the first, then '/' (types '.'), then shifted 3 (№ on ЙЦУКЕН, # on US), Enter.
        var bytes = Recording(24, (16, true), (17, false), (18, false), (19, false), (20, false), (21, false), (53, false), (4, true), (Enter, false));
        var scans = new List<string>();
        new EvdevScanDecoder(KeyboardLayout.Russian, 24).Feed(bytes, scans.Add);
        Assert.Equal(["Йцукен.№"], scans);
        scans.Clear();
        new EvdevScanDecoder(KeyboardLayout.Us, 24).Feed(bytes, scans.Add);
        Assert.Equal(["Qwerty/#"], scans);
    }

    [Fact]
    public void Decodes_identically_however_the_bytes_are_split()
    {
        var bytes = Recording(24, [.. AbDash12Enter, .. AbDash12Enter]);
        for (var split = 1; split < bytes.Length; split += 7)
        {
            var scans = new List<string>();
            var decoder = new EvdevScanDecoder(KeyboardLayout.Us, 24);
            decoder.Feed(bytes.AsSpan(0, split), scans.Add);
            decoder.Feed(bytes.AsSpan(split), scans.Add);
            Assert.Equal(["Ab-12", "Ab-12"], scans);
        }
        var oneByOne = new List<string>();
        var slow = new EvdevScanDecoder(KeyboardLayout.Us, 24);
        foreach (var b in bytes) slow.Feed([b], oneByOne.Add);
        Assert.Equal(["Ab-12", "Ab-12"], oneByOne);
    }

    [Fact]
    public void Caps_lock_toggles_letters_only_and_keypad_digits_type()
    {
        // CapsLock, a, 1, CapsLock, a, KP7, KP-Enter.
        var bytes = Recording(24, (58, false), (30, false), (2, false), (58, false), (30, false), (71, false), (96, false));
        var scans = new List<string>();
        new EvdevScanDecoder(KeyboardLayout.Us, 24).Feed(bytes, scans.Add);
        Assert.Equal(["A1a7"], scans);
    }

    [Fact]
    public void Auto_repeat_and_empty_Enter_produce_nothing()
    {
        var bytes = new[]
        {
            EvdevScanDecoder.Encode(EvdevScanDecoder.EvKey, 2, 1, 24),
            EvdevScanDecoder.Encode(EvdevScanDecoder.EvKey, 2, 2, 24), // auto-repeat
            EvdevScanDecoder.Encode(EvdevScanDecoder.EvKey, 2, 0, 24),
            EvdevScanDecoder.Encode(EvdevScanDecoder.EvKey, Enter, 1, 24),
            EvdevScanDecoder.Encode(EvdevScanDecoder.EvKey, Enter, 1, 24), // Enter with nothing typed
        }.SelectMany(b => b).ToArray();
        var scans = new List<string>();
        new EvdevScanDecoder(KeyboardLayout.Us, 24).Feed(bytes, scans.Add);
        Assert.Equal(["1"], scans);
    }

    [Fact]
    public void Layouts_are_chosen_by_name_with_a_clear_error()
    {
        Assert.Same(KeyboardLayout.Russian, KeyboardLayout.ByName("ru"));
        Assert.Same(KeyboardLayout.Us, KeyboardLayout.ByName("US"));
        Assert.Contains("use us or ru", Assert.Throws<ArgumentException>(() => KeyboardLayout.ByName("de")).Message, StringComparison.Ordinal);
    }
}
