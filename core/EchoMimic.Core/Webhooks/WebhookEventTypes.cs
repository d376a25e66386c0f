namespace EchoMimic.Core.Webhooks;

/// <summary>CloudEvents <c>type</c> values the product sends (reverse-DNS, as the CloudEvents spec recommends).</summary>
public static class WebhookEventTypes
{
    public const string JobSucceeded = "cloud.echomimic.job.succeeded";
    public const string JobFailed = "cloud.echomimic.job.failed";
    public const string JobCanceled = "cloud.echomimic.job.canceled";
    public const string CampaignCompleted = "cloud.echomimic.campaign.completed";
}
