using System;
using System.Globalization;
using System.Management.Automation;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// Lets <c>-WindowStart (Get-Date)</c> and <c>[datetimeoffset]</c> values bind: they become RFC 3339
    /// text with an explicit offset. A DateTime of unspecified kind stays without offset, so the
    /// engine rejects it instead of guessing the machine's time zone.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class Rfc3339TimestampAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            return value switch
            {
                DateTimeOffset dto => dto.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
                DateTime { Kind: DateTimeKind.Unspecified } dt => dt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
                DateTime dt => dt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
                _ => inputData,
            };
        }
    }
}
