using Azure.Storage.Queues;
using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;

namespace EchoMimic.Infrastructure.Azure;

/// <summary>Segment results on the "segment-results" Storage queue, which the Functions queue trigger consumes.</summary>
public sealed class AzureResultQueue(QueueServiceClient service, string queueName = AzureResultQueue.DefaultName,
    int maxDeliveryCount = 5) : AzureStorageMessageQueue<SegmentResult>(service, queueName, maxDeliveryCount), IResultQueue
{
    public const string DefaultName = "segment-results";
}
