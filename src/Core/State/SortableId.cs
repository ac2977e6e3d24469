using System.Security.Cryptography;

namespace Portable.Core.State;

/// <summary>
/// 26-character ids in Crockford base32 (48 bits of milliseconds, 80 random bits, as ULID does): they sort by
/// creation time, so listing keys in ordinal order lists items in the order they were made. Within one process the
/// ids are strictly increasing, as ULID's monotonic mode makes them: an id made in the same millisecond as the last
/// one (or while the clock steps back) reuses its time and increments its random part, so two items created in one
/// millisecond still list in creation order.
/// </summary>
public static class SortableId
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    // The last id's time and random part: process-wide on purpose, since ordering is a property of the process.
    private static readonly Lock Gate = new();
    private static readonly byte[] LastRandom = new byte[10];
    private static ulong _lastMillis;

    /// <summary>A new id stamped with <paramref name="timeProvider"/>'s current time, greater than any made before it in this process.</summary>
    public static string New(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var millis = (ulong)timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        Span<byte> random = stackalloc byte[10];
        lock (Gate)
        {
            if (millis > _lastMillis || !Increment(LastRandom))
            {
                // A new millisecond (or, after 2^80 ids in one, the next one) starts from fresh random bits.
                _lastMillis = Math.Max(millis, _lastMillis + 1);
                RandomNumberGenerator.Fill(LastRandom);
            }

            millis = _lastMillis;
            LastRandom.CopyTo(random);
        }

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

    // Adds one to a big-endian number; false when it wrapped around to zero.
    private static bool Increment(byte[] value)
    {
        for (var i = value.Length - 1; i >= 0; i--)
        {
            if (++value[i] != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="value"/> has the shape of an id (used to reject junk early).</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: 26 } && value.All(ch => Alphabet.Contains(ch, StringComparison.Ordinal));
}
