using System;

namespace Chartly.Profiler.Sources.AzureMonitorLogs
{
    /// <summary>
    /// The Azure Monitor SDK exporters write <c>AppRoleName</c> as <c>[service.namespace]/service.name</c>
    /// when the resource sets a namespace, and copy no resource attribute into the row: the role is
    /// then the only place the namespace is found, and the service must be matched without it.
    /// </summary>
    internal static class SdkRole
    {
        public static string Of(string serviceNamespace, string service) => "[" + serviceNamespace + "]/" + service;

        /// <summary>Splits <c>[ns]/name</c>; false for any other role (a bare name, the collector's <c>ns.name</c>).</summary>
        public static bool TryParse(string? role, out string serviceNamespace, out string service)
        {
            serviceNamespace = service = string.Empty;
            if (role is null || role.Length < 5 || role[0] != '[')
            {
                return false;
            }

            var close = role.IndexOf("]/", StringComparison.Ordinal);
            if (close < 2 || close + 2 >= role.Length)
            {
                return false;
            }

            serviceNamespace = role.Substring(1, close - 1);
            service = role.Substring(close + 2);
            return true;
        }
    }
}
