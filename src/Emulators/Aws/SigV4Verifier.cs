using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Portable.Emulators.Aws;

/// <summary>
/// Checks a request's Signature Version 4 <c>Authorization</c> header as an AWS service does, written from the
/// documented algorithm (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html) and not from any
/// SDK, so that a client signing with the SDK is checked by an independent implementation: the header's shape and
/// scope, then — when the key's secret is known — the canonical request, the string to sign, the derived key and the
/// signature.
/// </summary>
internal static partial class SigV4Verifier
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Null when the request is signed for <paramref name="service"/> (and, with a known secret, correctly); else the AWS error code and message.</summary>
    public static (string Code, string Message)? Check(HttpRequest request, ReadOnlySpan<byte> body, string service, IReadOnlyDictionary<string, string> secrets)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            return ("MissingAuthenticationTokenException", "Missing Authentication Token");
        }

        var match = AuthorizationShape().Match(authorization);
        if (!match.Success)
        {
            return ("IncompleteSignatureException", $"Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' for {Algorithm}: '{authorization}'.");
        }

        var (accessKey, date, region, scopeService) = (match.Groups["key"].Value, match.Groups["date"].Value, match.Groups["region"].Value, match.Groups["service"].Value);
        var signedHeaders = match.Groups["headers"].Value.Split(';');
        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (!string.Equals(scopeService, service, StringComparison.Ordinal))
        {
            return ("InvalidSignatureException", $"Credential should be scoped to correct service: '{service}'.");
        }

        if (amzDate.Length != 16 || !amzDate.StartsWith(date, StringComparison.Ordinal))
        {
            return ("IncompleteSignatureException", "X-Amz-Date must be present and on the credential's date.");
        }

        if (!signedHeaders.Contains("host", StringComparer.Ordinal) || !signedHeaders.Contains("x-amz-date", StringComparer.Ordinal))
        {
            return ("IncompleteSignatureException", "The signed headers must include host and x-amz-date.");
        }

        if (secrets.Count == 0)
        {
            return null;
        }

        if (!secrets.TryGetValue(accessKey, out var secret))
        {
            return ("UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        var canonical = CanonicalRequest(request, signedHeaders, body);
        var expected = Signature(secret, date, region, service, StringToSign(amzDate, $"{date}/{region}/{service}/aws4_request", canonical));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(match.Groups["signature"].Value))
            ? null
            : ("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
    }

    /// <summary>The canonical request: method, URI, query, the signed headers with their values, the header list and the payload hash.</summary>
    public static string CanonicalRequest(HttpRequest request, IReadOnlyList<string> signedHeaders, ReadOnlySpan<byte> body)
    {
        var builder = new StringBuilder();
        builder.Append(request.Method).Append('\n');
        builder.Append(request.PathBase.Add(request.Path).ToUriComponent() is { Length: > 0 } path ? path : "/").Append('\n');
        builder.Append(CanonicalQuery(request.QueryString.Value)).Append('\n');
        foreach (var name in signedHeaders)
        {
            var values = string.Equals(name, "host", StringComparison.Ordinal) ? request.Host.Value ?? string.Empty : string.Join(',', request.Headers[name].Select(v => v ?? string.Empty));
            builder.Append(name).Append(':').Append(Spaces().Replace(values.Trim(), " ")).Append('\n');
        }

        builder.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n');
        builder.Append(Convert.ToHexStringLower(SHA256.HashData(body)));
        return builder.ToString();
    }

    /// <summary>The string to sign for <paramref name="canonicalRequest"/>.</summary>
    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    /// <summary>The hex signature of <paramref name="stringToSign"/> with the key derived from <paramref name="secret"/>.</summary>
    public static string Signature(string secret, string date, string region, string service, string stringToSign)
    {
        var key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (var part in new[] { date, region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    // Parameters sorted by name then value, each already URI-encoded as sent.
    private static string CanonicalQuery(string? query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return string.Empty;
        }

        var pairs = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Contains('=', StringComparison.Ordinal) ? p : p + "=")
            .Select(p => (Name: p[..p.IndexOf('=', StringComparison.Ordinal)], Value: p[(p.IndexOf('=', StringComparison.Ordinal) + 1)..]))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name}={p.Value}")));
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[^/\s]+)/(?<date>\d{8})/(?<region>[^/\s]+)/(?<service>[^/\s]+)/aws4_request,\s*SignedHeaders=(?<headers>[a-z0-9\-;]+),\s*Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationShape();

    [GeneratedRegex(" +")]
    private static partial Regex Spaces();
}
