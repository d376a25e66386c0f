namespace EchoMimic.Orchestration.Campaigns;

/// <summary>A campaign's custom status.</summary>
public sealed record CampaignProgress(int Rows, int Running, int Succeeded, int Failed)
{
    public string Progress => $"{Succeeded + Failed} of {Rows} rows";
}
