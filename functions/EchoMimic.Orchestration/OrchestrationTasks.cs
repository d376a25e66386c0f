using EchoMimic.Orchestration.Activities;
using EchoMimic.Orchestration.Campaigns;
using EchoMimic.Orchestration.RenderJobs;
using EchoMimic.Orchestration.Webhooks;
using Microsoft.DurableTask;

namespace EchoMimic.Orchestration;

/// <summary>
/// Registers every orchestrator and activity of the control plane on a Durable Task registry: the one list the
/// in-memory host, the Azurite host and the Functions app wrappers share.
/// </summary>
public static class OrchestrationTasks
{
    public static DurableTaskRegistry AddEchoMimicOrchestrations(this DurableTaskRegistry registry)
    {
        registry.AddOrchestrator<RenderJobOrchestrator>();
        registry.AddOrchestrator<CampaignOrchestrator>();
        registry.AddOrchestrator<WebhookDeliveryOrchestrator>();
        registry.AddActivity<CheckInputsActivity>();
        registry.AddActivity<DispatchSegmentActivity>();
        registry.AddActivity<DispatchSegmentsActivity>();
        registry.AddActivity<LocateOutputsActivity>();
        registry.AddActivity<RecordJobStatusActivity>();
        registry.AddActivity<SendWebhookActivity>();
        return registry;
    }
}
