namespace Chartly.Profiler.Cmdlets
{
    /// <summary>
    /// Where `Get-Help -Online` goes: each cmdlet's page in docs/help of the project (ProjectUri in
    /// the manifest). A test holds these to the manifest and to the pages that exist.
    /// </summary>
    internal static class HelpLinks
    {
        public const string Base = "https://example.invalid/chartly/chartly-profiler/blob/main/docs/help/";
        public const string GetChartlyProfile = Base + "Get-ChartlyProfile.md";
        public const string GetChartlyProfilePlan = Base + "Get-ChartlyProfilePlan.md";
        public const string CompareChartlyProfile = Base + "Compare-ChartlyProfile.md";
        public const string ExportChartlyProfileReport = Base + "Export-ChartlyProfileReport.md";
        public const string ImportChartlyProfile = Base + "Import-ChartlyProfile.md";
        public const string ConvertToChartlyProfileDocument = Base + "ConvertTo-ChartlyProfileDocument.md";
    }
}
