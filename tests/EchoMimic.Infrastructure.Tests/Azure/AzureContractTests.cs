using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Infrastructure.Tests.Contracts;

namespace EchoMimic.Infrastructure.Tests.Azure;

// The port contract suites on the Azure Storage adapters against Azurite. Each test gets its own containers
// (a unique prefix), queue or table, so the suites share one Azurite process.

[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobStoreContractTests(AzuriteFixture azurite) : BlobStoreContract
{
    protected override Task<IBlobStore> CreateStoreAsync() =>
        Task.FromResult<IBlobStore>(new AzureBlobStore(azurite.Blobs, AzuriteFixture.UniqueName("t") + "-"));
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureResultQueueContractTests(AzuriteFixture azurite) : MessageQueueContract<SegmentResult>
{
    protected override Task<IMessageQueue<SegmentResult>> CreateQueueAsync(int maxDeliveryCount) =>
        Task.FromResult<IMessageQueue<SegmentResult>>(
            new AzureResultQueue(azurite.Queues, AzuriteFixture.UniqueName("r"), maxDeliveryCount));

    protected override SegmentResult Sample(int n) => ContractSamples.Result(n);
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureStorageSegmentQueueContractTests(AzuriteFixture azurite) : MessageQueueContract<SegmentTask>
{
    protected override Task<IMessageQueue<SegmentTask>> CreateQueueAsync(int maxDeliveryCount) =>
        Task.FromResult<IMessageQueue<SegmentTask>>(
            new AzureStorageMessageQueue<SegmentTask>(azurite.Queues, AzuriteFixture.UniqueName("s"), maxDeliveryCount));

    protected override SegmentTask Sample(int n) => ContractSamples.Task(n);
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureTableJobIndexContractTests(AzuriteFixture azurite) : JobIndexContract
{
    protected override Task<IJobIndex> CreateIndexAsync() =>
        Task.FromResult<IJobIndex>(new AzureTableJobIndex(azurite.Tables, AzuriteFixture.UniqueName("t")));
}
