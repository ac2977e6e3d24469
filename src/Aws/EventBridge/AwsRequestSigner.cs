using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace Portable.Aws.EventBridge;

/// <summary>
/// Signs an AWS JSON request with Signature Version 4 through AWSSDK.Core's own signer (<see cref="AWS4Signer"/>):
/// its header initialisation (<c>host</c>, <c>X-Amz-Date</c>), payload hash, canonical request, header selection and
/// signature, so the signing is the SDK's and not a copy of it. Only the pieces are used, not its <c>Sign</c> over an
/// SDK request object, since no EventBridge SDK is served to build one. A subclass because the canonicalisation
/// helpers are protected.
/// </summary>
internal sealed class AwsRequestSigner : AWS4Signer
{
    /// <summary>
    /// The headers a POST of <paramref name="body"/> to <paramref name="endpoint"/> must carry, signed for
    /// <paramref name="service"/> in <paramref name="region"/> at <paramref name="signedAt"/> (UTC):
    /// <paramref name="headers"/> (the content type, the target) plus <c>host</c>, <c>X-Amz-Date</c>,
    /// <c>X-Amz-Security-Token</c> for temporary credentials, and <c>Authorization</c>.
    /// </summary>
    public static Dictionary<string, string> Sign(
        Uri endpoint, IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body, ImmutableCredentials credentials, string region, string service, DateTime signedAt)
    {
        var signed = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
        if (credentials.UseToken)
        {
            signed["X-Amz-Security-Token"] = credentials.Token;
        }

        var at = InitializeHeaders(signed, endpoint, signedAt);
        var payloadHash = Convert.ToHexStringLower(ComputeHash(body.ToArray()));
        var sorted = SortAndPruneHeaders(signed);
        var canonicalRequest = CanonicalizeRequest(endpoint, endpoint.AbsolutePath, "POST", sorted, string.Empty, payloadHash);
        var signature = ComputeSignature(credentials.AccessKey, credentials.SecretKey, region, at, service, CanonicalizeHeaderNames(sorted), canonicalRequest);
        signed["Authorization"] = signature.ForAuthorizationHeader;
        return signed;
    }
}
