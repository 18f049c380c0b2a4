namespace EdgeLab.Instruments.Scanner;

/// <summary>
/// Maps Linux input key codes (linux/input-event-codes.h) to characters, as the scanner's configured keyboard layout
/// would: a USB HID "keyboard" scanner sends key positions, not characters, so a scanner set to a Russian layout
/// types ЙЦУКЕН letters on the same keys where a US one types QWERTY.
/// </summary>
public sealed class KeyboardLayout
{
    public const ushort KeyEnter = 28, KeyLeftShift = 42, KeyRightShift = 54, KeyCapsLock = 58, KeyKeypadEnter = 96;

    private readonly Dictionary<ushort, (char Normal, char Shifted)> _keys;

    private KeyboardLayout(string name, Dictionary<ushort, (char, char)> keys)
    {
        Name = name;
        _keys = keys;
    }

    public string Name { get; }

    /// <summary>The character for a key, or null for keys that type nothing (modifiers, function keys).</summary>
    public char? Map(ushort code, bool shift, bool capsLock)
    {
        if (!_keys.TryGetValue(code, out var pair)) return null;
        var upper = char.IsLetter(pair.Normal) ? shift ^ capsLock : shift;
        return upper ? pair.Shifted : pair.Normal;
    }

    /// <summary>The layout for a config name: <c>us</c> or <c>ru</c> (ЙЦУКЕН).</summary>
    public static KeyboardLayout ByName(string name) => name.ToLowerInvariant() switch
    {
        "us" or "en" or "en-us" => Us,
        "ru" or "ru-ru" or "jcuken" => Russian,
        _ => throw new ArgumentException($"unknown scanner keyboard layout '{name}': use us or ru", nameof(name)),
    };

    // Key codes of the main block, row by row: KEY_GRAVE 41, KEY_1…KEY_EQUAL 2…13, KEY_Q…KEY_RIGHTBRACE 16…27,
    // KEY_BACKSLASH 43, KEY_A…KEY_APOSTROPHE 30…40, KEY_Z…KEY_SLASH 44…53, KEY_SPACE 57.
    private static readonly ushort[] RowCodes = [41, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 43, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 57];

    public static KeyboardLayout Us { get; } = Build("us",
        "`1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./ ",
        "~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:\"ZXCVBNM<>? ");

    public static KeyboardLayout Russian { get; } = Build("ru",
        "ё1234567890-=йцукенгшщзхъ\\фывапролджэячсмитьбю. ",
        "Ё!\"№;%:?*()_+ЙЦУКЕНГШЩЗХЪ/ФЫВАПРОЛДЖЭЯЧСМИТЬБЮ, ");

    private static KeyboardLayout Build(string name, string normal, string shifted)
    {
        var keys = new Dictionary<ushort, (char, char)>();
        for (var i = 0; i < RowCodes.Length; i++) keys[RowCodes[i]] = (normal[i], shifted[i]);
        // Numeric keypad (NumLock on, as scanners send it): KP7 71 … KPDOT 83, KPASTERISK 55, KPMINUS 74, KPPLUS 78, KPSLASH 98.
        (ushort Code, char Char)[] keypad = [(71, '7'), (72, '8'), (73, '9'), (74, '-'), (75, '4'), (76, '5'), (77, '6'), (78, '+'), (79, '1'), (80, '2'), (81, '3'), (82, '0'), (83, '.'), (55, '*'), (98, '/')];
        foreach (var (code, c) in keypad) keys[code] = (c, c);
        return new KeyboardLayout(name, keys);
    }
}
