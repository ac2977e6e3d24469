using System.Buffers;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Unicode;

namespace Portable.Core.Json;

/// <summary>
/// JSON compared by meaning rather than by spelling, for telling a duplicate from a conflict: <c>10.5</c> and
/// <c>10.50</c> are the same payload, and so are the same members in another order. The canonical form has object
/// members sorted by name, numbers as exact decimal values (<c>-</c>, significant digits, <c>e</c> and a power of ten:
/// <c>1.05e1</c>, <c>10.50</c> and <c>105E-1</c> all become <c>105e-1</c>, with no rounding however large), strings
/// with their escapes resolved (written with only <c>\"</c>, <c>\\</c> and <c>\u00XX</c> for control characters),
/// and no whitespace; arrays keep their order. Read with <see cref="Utf8JsonReader"/> alone, so it is trim- and
/// AOT-safe.
/// </summary>
public static class CanonicalJson
{
    // Domain prefixes, so that no byte payload hashes like the canonical form of a JSON one.
    private static readonly byte[] JsonDomain = "json\n"u8.ToArray();
    private static readonly byte[] BytesDomain = "bytes\n"u8.ToArray();

    /// <summary>
    /// Writes the canonical form of <paramref name="json"/> to <paramref name="output"/>. Returns false, writing
    /// nothing, when it is not one valid UTF-8 JSON value (at most 64 levels deep).
    /// </summary>
    public static bool TryWrite(ReadOnlySpan<byte> json, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var canonical = new ArrayBufferWriter<byte>(json.Length + 16);
        if (!TryCanonicalize(json, canonical))
        {
            return false;
        }

        output.Write(canonical.WrittenSpan);
        return true;
    }

    /// <summary>
    /// Hex SHA-256 of <paramref name="payload"/> by meaning: of its canonical form when it is JSON, of its bytes when
    /// it is not (an empty body, text, invalid JSON).
    /// </summary>
    public static string Hash(ReadOnlySpan<byte> payload) => Hash(ReadOnlySpan<byte>.Empty, payload);

    /// <summary>
    /// As <see cref="Hash(ReadOnlySpan{byte})"/>, with <paramref name="prefix"/> (such as an HTTP method and path)
    /// hashed first, as bytes.
    /// </summary>
    public static string Hash(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> payload)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(prefix);
        var canonical = new ArrayBufferWriter<byte>(payload.Length + 16);
        if (TryCanonicalize(payload, canonical))
        {
            sha.AppendData(JsonDomain);
            sha.AppendData(canonical.WrittenSpan);
        }
        else
        {
            sha.AppendData(BytesDomain);
            sha.AppendData(payload);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static bool TryCanonicalize(ReadOnlySpan<byte> json, ArrayBufferWriter<byte> output)
    {
        // RFC 8259 §8.1: JSON is UTF-8. The reader does not check the bytes of strings it only copies.
        if (json.IsEmpty || !Utf8.IsValid(json))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read())
            {
                return false;
            }

            WriteValue(ref reader, output);
            return !reader.Read(); // anything but whitespace after the value throws
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // A string escape that is not valid UTF-16 (a lone surrogate): not text, so compared as bytes.
            return false;
        }
    }

    // Writes the value the reader is on, leaving the reader on its last token.
    private static void WriteValue(ref Utf8JsonReader reader, ArrayBufferWriter<byte> output)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                WriteObject(ref reader, output);
                break;
            case JsonTokenType.StartArray:
                output.Write("["u8);
                var first = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (!first)
                    {
                        output.Write(","u8);
                    }

                    first = false;
                    WriteValue(ref reader, output);
                }

                output.Write("]"u8);
                break;
            case JsonTokenType.String:
                WriteString(ref reader, output);
                break;
            case JsonTokenType.Number:
                WriteNumber(reader.ValueSpan, output);
                break;
            case JsonTokenType.True:
                output.Write("true"u8);
                break;
            case JsonTokenType.False:
                output.Write("false"u8);
                break;
            default:
                output.Write("null"u8);
                break;
        }
    }

    // Members are written to a scratch buffer as "name":value, then copied out sorted by name (ordinal over the
    // canonical bytes; members with the same name keep their order, so a repeated name still tells payloads apart).
    private static void WriteObject(ref Utf8JsonReader reader, ArrayBufferWriter<byte> output)
    {
        var scratch = new ArrayBufferWriter<byte>(256);
        var members = new List<Member>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var start = scratch.WrittenCount;
            WriteString(ref reader, scratch);
            var nameLength = scratch.WrittenCount - start;
            scratch.Write(":"u8);
            reader.Read();
            WriteValue(ref reader, scratch);
            members.Add(new Member(members.Count, start, nameLength, scratch.WrittenCount - start));
        }

        var written = scratch.WrittenMemory;
        members.Sort((a, b) =>
        {
            var byName = written.Span.Slice(a.Start, a.NameLength).SequenceCompareTo(written.Span.Slice(b.Start, b.NameLength));
            return byName != 0 ? byName : a.Index.CompareTo(b.Index);
        });

        output.Write("{"u8);
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }

            output.Write(written.Span.Slice(members[i].Start, members[i].Length));
        }

        output.Write("}"u8);
    }

    private readonly record struct Member(int Index, int Start, int NameLength, int Length);

    // A string or property name, unescaped, then written with the fewest escapes JSON allows.
    private static void WriteString(ref Utf8JsonReader reader, ArrayBufferWriter<byte> output)
    {
        ReadOnlySpan<byte> text = reader.ValueSpan;
        byte[]? rented = null;
        if (reader.ValueIsEscaped)
        {
            rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length); // unescaping never lengthens
            text = rented.AsSpan(0, reader.CopyString(rented));
        }

        output.Write("\""u8);
        var run = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var b = text[i];
            if (b is (byte)'"' or (byte)'\\' or < 0x20)
            {
                output.Write(text[run..i]);
                if (b < 0x20)
                {
                    Span<byte> escape = [(byte)'\\', (byte)'u', (byte)'0', (byte)'0', Hex(b >> 4), Hex(b & 0xF)];
                    output.Write(escape);
                }
                else
                {
                    Span<byte> escape = [(byte)'\\', b];
                    output.Write(escape);
                }

                run = i + 1;
            }
        }

        output.Write(text[run..]);
        output.Write("\""u8);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    /// <summary>
    /// Writes a JSON number (as the reader has checked it: <c>-?int(.frac)?([eE][+-]?digits)?</c>) as its exact
    /// decimal value: <c>-</c> when negative, the digits from the first to the last non-zero one, and <c>e</c> with
    /// the power of ten when it is not 0; zero in any spelling is <c>0</c>. The exponent is computed as a
    /// <see cref="BigInteger"/> when its digits could overflow a long, so <c>1e400</c> and <c>10e399</c> are equal too.
    /// </summary>
    private static void WriteNumber(ReadOnlySpan<byte> number, ArrayBufferWriter<byte> output)
    {
        var negative = number[0] == (byte)'-';
        var rest = negative ? number[1..] : number;
        var exponentAt = rest.IndexOfAny((byte)'e', (byte)'E');
        var mantissa = exponentAt < 0 ? rest : rest[..exponentAt];
        var exponentText = exponentAt < 0 ? ReadOnlySpan<byte>.Empty : rest[(exponentAt + 1)..];
        var point = mantissa.IndexOf((byte)'.');
        var integer = point < 0 ? mantissa : mantissa[..point];
        var fraction = point < 0 ? ReadOnlySpan<byte>.Empty : mantissa[(point + 1)..];

        // The digits of integer and fraction as one run, from the first to the last non-zero digit.
        var total = integer.Length + fraction.Length;
        int first = -1, last = -1;
        for (var i = 0; i < total; i++)
        {
            if (DigitAt(integer, fraction, i) != (byte)'0')
            {
                first = first < 0 ? i : first;
                last = i;
            }
        }

        if (first < 0)
        {
            output.Write("0"u8);
            return;
        }

        if (negative)
        {
            output.Write("-"u8);
        }

        if (first < integer.Length)
        {
            output.Write(integer[first..Math.Min(last + 1, integer.Length)]);
        }

        if (last >= integer.Length)
        {
            output.Write(fraction[Math.Max(first - integer.Length, 0)..(last - integer.Length + 1)]);
        }

        // value = digits[first..last] × 10^(exponent − fraction digits + trailing zeros dropped)
        long shift = (total - 1 - last) - fraction.Length;
        var exponentNegative = exponentText.Length > 0 && exponentText[0] == (byte)'-';
        var exponentDigits = exponentText.Length > 0 && exponentText[0] is (byte)'-' or (byte)'+' ? exponentText[1..] : exponentText;
        exponentDigits = exponentDigits.TrimStart((byte)'0');
        string exponent;
        if (exponentDigits.Length <= 18)
        {
            long value = 0;
            foreach (var digit in exponentDigits)
            {
                value = (value * 10) + (digit - '0');
            }

            var sum = (exponentNegative ? -value : value) + shift;
            if (sum == 0)
            {
                return;
            }

            exponent = sum.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            var value = BigInteger.Parse(System.Text.Encoding.ASCII.GetString(exponentDigits), System.Globalization.CultureInfo.InvariantCulture);
            exponent = ((exponentNegative ? -value : value) + shift).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        output.Write("e"u8);
        _ = System.Text.EncodingExtensions.GetBytes(System.Text.Encoding.ASCII, exponent, output);
    }

    private static byte DigitAt(ReadOnlySpan<byte> integer, ReadOnlySpan<byte> fraction, int index) =>
        index < integer.Length ? integer[index] : fraction[index - integer.Length];
}
