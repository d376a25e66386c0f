using EchoMimic.Core.Jobs;

namespace EchoMimic.Core.Campaigns;

/// <summary>One manifest row: its id (the "id" column, else the 1-based row number) and its complete job spec.</summary>
public sealed record CampaignRow(string RowId, int LineNumber, RenderJobSpec Spec)
{
    /// <summary>The row's job id (= orchestration instance id) inside campaign <paramref name="campaignId"/>.</summary>
    public string JobIdIn(string campaignId) => $"{campaignId}-{RowId}";
}
