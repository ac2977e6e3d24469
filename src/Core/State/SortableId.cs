using System.Security.Cryptography;

namespace Portable.Core.State;

/// <summary>
/// 26-character ids in Crockford base32 (48 bits of milliseconds, 80 random bits, as ULID does): they sort by
/// creation time, so listing keys in ordinal order lists items in the order they were made.
/// </summary>
public static class SortableId
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A new id stamped with <paramref name="timeProvider"/>'s current time.</summary>
    public static string New(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var millis = (ulong)timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        Span<char> chars = stackalloc char[26];
        for (var i = 9; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(millis & 31)];
            millis >>= 5;
        }

        // 80 random bits → 16 characters.
        var bits = 0;
        var buffer = 0;
        var c = 10;
        foreach (var b in random)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars[c++] = Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }

        return new string(chars);
    }

    /// <summary>True when <paramref name="value"/> has the shape of an id (used to reject junk early).</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: 26 } && value.All(ch => Alphabet.Contains(ch, StringComparison.Ordinal));
}
