using System.Text;

namespace Portable.Azure.State;

/// <summary>
/// Turns any string into a legal Table Storage <c>PartitionKey</c>/<c>RowKey</c> and back, keeping ordinal order.
/// </summary>
/// <remarks>
/// Table Storage forbids <c>/</c>, <c>\</c>, <c>#</c>, <c>?</c> and the control characters U+0000–U+001F and
/// U+007F–U+009F in keys ("Understanding the Table service data model", Characters disallowed in key fields), and
/// returns a partition's rows sorted by RowKey. The port promises ordinal key order, so escaping must not reorder keys.
/// Each forbidden character is written as the legal character just below it (the space for the control characters)
/// followed by two hex digits of its distance from that character, and that legal character itself gets the suffix
/// <c>00</c>: <c>.</c> → <c>.00</c>, <c>/</c> → <c>.01</c>; <c>"</c> → <c>"00</c>, <c>#</c> → <c>"01</c>; <c>&gt;</c> → <c>&gt;00</c>, <c>?</c> → <c>&gt;01</c>;
/// <c>[</c> → <c>[00</c>, <c>\</c> → <c>[01</c>; <c>~</c> → <c>~00</c>, U+007F… → <c>~01</c>…; U+0000… → space + <c>00</c>…, space → space + <c>20</c>.
/// The codes are prefix-free and their first characters never decrease as the original character grows, so
/// comparing encoded keys gives the same order as comparing the originals. Every other character is kept as it is.
/// </remarks>
public static class TableKey
{
    /// <summary>The key as Table Storage can store it.</summary>
    public static string Encode(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.AsSpan().ContainsAny(Escaped))
        {
            return key;
        }

        var builder = new StringBuilder(key.Length + 8);
        foreach (var c in key)
        {
            var group = GroupOf(c);
            if (group is null)
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(group.Value).Append(((int)(c - Base(group.Value))).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>The original key of a stored <paramref name="encoded"/> key.</summary>
    public static string Decode(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (!encoded.AsSpan().ContainsAny(Groups))
        {
            return encoded;
        }

        var builder = new StringBuilder(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (Groups.Contains(c))
            {
                if (i + 2 >= encoded.Length || !int.TryParse(encoded.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var offset))
                {
                    throw new FormatException($"'{encoded}' is not a key written by {nameof(TableKey)}.");
                }

                builder.Append((char)(Base(c) + offset));
                i += 2;
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    // The legal characters that head a group: each is followed (or, for the space, preceded) by forbidden characters.
    private const string GroupHeads = " \".>[~";

    private static readonly System.Buffers.SearchValues<char> Groups = System.Buffers.SearchValues.Create(GroupHeads);

    // Every character Encode writes as a three-character code: the forbidden ones and the group heads.
    private static readonly System.Buffers.SearchValues<char> Escaped = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x21).Select(i => (char)i), '"', '#', '.', '/', '>', '?', '[', '\\', .. Enumerable.Range(0x7E, 0x9F - 0x7E + 1).Select(i => (char)i)]);

    private static char? GroupOf(char c) => c switch
    {
        <= ' ' => ' ',
        '"' or '#' => '"',
        '.' or '/' => '.',
        '>' or '?' => '>',
        '[' or '\\' => '[',
        >= '~' and <= '\u009F' => '~',
        _ => null,
    };

    // The character a group's offsets count from: U+0000 for the space group (controls 00–1f, space 20), else the head.
    private static char Base(char group) => group == ' ' ? '\0' : group;
}
