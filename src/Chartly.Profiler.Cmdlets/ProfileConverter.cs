using System;
using System.Management.Automation;
using Chartly.Profiler.Model;
using Chartly.Profiler.Output;

namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// Brings a profile back from PowerShell's serialization (Export-Clixml/Import-Clixml, jobs,
    /// remoting). module/ChartlyProfiler.types.ps1xml gives a profile a Document property (its
    /// canonical JSON), which the serializer keeps; the views (module/ChartlyProfiler.format.ps1xml)
    /// and the cmdlets' profile parameters (<see cref="ProfileTransformationAttribute"/>) turn the
    /// deserialized object back into the typed profile it was.
    /// </summary>
    public static class ProfileConverter
    {
        public const string DeserializedTypeName = "Deserialized.Chartly.Profiler.Model.Profile";

        /// <summary>A profile, a deserialized profile (converted back), or anything else as it is.</summary>
        public static object? Rehydrate(object? value)
        {
            if (value is not PSObject pso)
            {
                return value;
            }

            if (pso.BaseObject is Profile p)
            {
                return p;
            }

            if (!pso.TypeNames.Contains(DeserializedTypeName))
            {
                return value;
            }

            if (pso.Properties["Document"]?.Value is not string document || document.Length == 0)
            {
                throw ProfilerException.Invalid(
                    "DeserializedProfileWithoutDocument",
                    "This deserialized profile carries no document: it was serialized where the ChartlyProfiler module was not loaded. Import the module there, or save the profile with ConvertTo-ChartlyProfileDocument and read it back with Import-ChartlyProfile.");
            }

            var profile = ProfileDocumentReader.Read(document);
            return pso.Properties["ConfigPath"]?.Value is string config && config.Length > 0 ? profile.MadeFrom(config) : profile;
        }

        /// <summary>What the views call: the typed profile of a deserialized one.</summary>
        public static Profile ToProfile(object value) =>
            Rehydrate(value) as Profile ?? throw ProfilerException.Invalid("InvalidProfile", "Not a profile.");
    }

    /// <summary>Lets a profile parameter bind a deserialized profile (Import-Clixml, Receive-Job, remoting).</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ProfileTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            try
            {
                return ProfileConverter.Rehydrate(inputData);
            }
            catch (ProfilerException e)
            {
                throw new ArgumentTransformationMetadataException($"{e.Message} [{e.ErrorId}]");
            }
        }
    }
}
