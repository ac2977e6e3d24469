using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Portable.Core.Events.Routing;

/// <summary>
/// <c>cidr</c>: a string value that is an IPv4 address (four dotted decimal bytes) or an IPv6 address inside the
/// block. Anything else — a host name, a number, an address of the other family — does not match.
/// </summary>
internal sealed class CidrMatcher : ValueMatcher
{
    private readonly byte[] _network;
    private readonly int _prefixLength;

    private CidrMatcher(byte[] network, int prefixLength)
    {
        _network = network;
        _prefixLength = prefixLength;
    }

    /// <summary>Parses <paramref name="block"/> (<c>10.0.0.0/24</c>, <c>2001:db8::/32</c>); throws an <see cref="EventPatternException"/> at <paramref name="path"/> when it is not one.</summary>
    public static CidrMatcher Parse(string block, string path)
    {
        var slash = block.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || block.IndexOf('/', slash + 1) >= 0)
        {
            throw new EventPatternException(path, $"cidr '{block}' is not a CIDR block: it is an address, one '/', and a prefix length, like 10.0.0.0/24 or 2001:db8::/32.");
        }

        var address = block[..slash];
        if (TryParseAddress(address) is not { } bytes)
        {
            throw new EventPatternException(path, $"cidr '{block}': '{address}' is not an IPv4 or IPv6 address.");
        }

        var bits = bytes.Length * 8;
        if (!int.TryParse(block.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefixLength) || prefixLength > bits)
        {
            throw new EventPatternException(path, $"cidr '{block}': the prefix length must be a whole number from 0 to {bits} for an {(bits == 32 ? "IPv4" : "IPv6")} address.");
        }

        return new CidrMatcher(bytes, prefixLength);
    }

    /// <inheritdoc />
    public override bool Matches(JsonElement leaf) =>
        leaf.ValueKind == JsonValueKind.String && TryParseAddress(leaf.GetString()!) is { } address && Contains(address);

    /// <summary>The address's bytes: four for dotted-quad IPv4, sixteen for IPv6; null for anything else.</summary>
    internal static byte[]? TryParseAddress(string text)
    {
        if (text.Contains(':', StringComparison.Ordinal))
        {
            // IPv6, without a zone (%eth0): the zone names an interface, not part of the address.
            return !text.Contains('%', StringComparison.Ordinal)
                && IPAddress.TryParse(text, out var v6)
                && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? v6.GetAddressBytes()
                : null;
        }

        // IPAddress.TryParse also takes "10.1" or "167772161"; an IP address in an event is four dotted bytes.
        var bytes = new byte[4];
        var octet = 0;
        var digits = 0;
        var index = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (digits == 0 || index == 3)
                {
                    return null;
                }

                bytes[index++] = (byte)octet;
                octet = 0;
                digits = 0;
            }
            else if (c is >= '0' and <= '9' && digits < 3)
            {
                octet = (octet * 10) + (c - '0');
                digits++;
                if (octet > 255)
                {
                    return null;
                }
            }
            else
            {
                return null;
            }
        }

        if (digits == 0 || index != 3)
        {
            return null;
        }

        bytes[3] = (byte)octet;
        return bytes;
    }

    private bool Contains(byte[] address)
    {
        if (address.Length != _network.Length)
        {
            return false;
        }

        var whole = _prefixLength / 8;
        for (var i = 0; i < whole; i++)
        {
            if (address[i] != _network[i])
            {
                return false;
            }
        }

        var rest = _prefixLength % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (address[whole] & mask) == (_network[whole] & mask);
    }
}
