using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using Azure.Core;

namespace Chartly.Profiler.Access
{
    /// <summary>
    /// The principal behind an Azure credential, read from the claims of the access token the
    /// source will send (the same credential, the same read scope). The token is only decoded,
    /// never logged and never verified: it comes straight from Microsoft Entra, and the backend
    /// verifies it on every query; the policy is a gate in front of the backend's RBAC, not a
    /// replacement for it (docs/access-control.md).
    /// </summary>
    public sealed class AzureTokenPrincipalProvider : IPrincipalProvider
    {
        /// <summary>Claims that name the principal: object id, UPN / sign-in names, application ids, managed identity resource id.</summary>
        private static readonly string[] NameClaims = { "oid", "upn", "preferred_username", "unique_name", "email", "appid", "azp", "xms_mirid" };

        private readonly Func<CancellationToken, string> _token;

        /// <param name="token">Returns the raw access token (a JWT) for the source's read scope.</param>
        public AzureTokenPrincipalProvider(Func<CancellationToken, string> token)
        {
            _token = token;
        }

        public AzureTokenPrincipalProvider(TokenCredential credential, string scope)
            : this(ct => credential.GetToken(new TokenRequestContext(new[] { scope }), ct).Token)
        {
        }

        public string Source => AccessPolicy.IdentityAzureToken;

        public Principal GetPrincipal(CancellationToken cancellation)
        {
            string token;
            try
            {
                token = _token(cancellation);
            }
            catch (ProfilerException)
            {
                throw;
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                // The credential's own message can hold tenant ids, paths and command output: only its type is said.
                throw ProfilerException.Denied("IdentityUnavailable", $"No Azure access token could be obtained to check the access policy ({e.GetType().Name}).");
            }

            return FromToken(token) ?? throw ProfilerException.Denied("IdentityUnavailable", "The Azure access token does not carry readable claims, so the access policy cannot be checked.");
        }

        /// <summary>The principal a JWT's payload names, or null when the token is not a readable JWT.</summary>
        public static Principal? FromToken(string? token)
        {
            if (string.IsNullOrEmpty(token))
            {
                return null;
            }

            var parts = token!.Split('.');
            if (parts.Length != 3 || parts[1].Length == 0 || parts[1].Length > 64 * 1024)
            {
                return null;
            }

            byte[] payload;
            try
            {
                payload = Base64UrlDecode(parts[1]);
            }
            catch (FormatException)
            {
                return null;
            }

            try
            {
                using var doc = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 16 });
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                var names = new List<string>();
                foreach (var claim in NameClaims)
                {
                    if (doc.RootElement.TryGetProperty(claim, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s)
                    {
                        names.Add(s);
                    }
                }

                if (names.Count == 0)
                {
                    return null;
                }

                return new Principal(
                    AccessPolicy.IdentityAzureToken,
                    names.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
                    Strings(doc.RootElement, "groups"),
                    Strings(doc.RootElement, "roles"),
                    ignoreCase: true);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static IReadOnlyList<string> Strings(JsonElement root, string claim)
        {
            if (!root.TryGetProperty(claim, out var v) || v.ValueKind != JsonValueKind.Array)
            {
                return Array.Empty<string>();
            }

            return v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Where(s => s.Length > 0).ToList();
        }

        private static byte[] Base64UrlDecode(string s)
        {
            var b = new StringBuilder(s.Length + 3).Append(s.Replace('-', '+').Replace('_', '/'));
            while (b.Length % 4 != 0)
            {
                b.Append('=');
            }

            return Convert.FromBase64String(b.ToString());
        }

        /// <summary>Encodes a payload as an unsigned JWT (tests and fakes: a header, the payload, an empty signature).</summary>
        internal static string UnsignedToken(string payloadJson) =>
            Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Encode(payloadJson) + ".";

        private static string Encode(string json) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
