using EchoMimic.Core.Messages;
using EchoMimic.Core.Jobs;
using EchoMimic.Core.Ports;
using EchoMimic.Core.Segments;
using EchoMimic.Infrastructure.Embedded;
using EchoMimic.Infrastructure.Tests.Contracts;

namespace EchoMimic.Infrastructure.Tests.Embedded;

public sealed class FileSystemBlobStoreContractTests : BlobStoreContract, IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("blobs-").FullName;

    protected override Task<IBlobStore> CreateStoreAsync() => Task.FromResult<IBlobStore>(new FileSystemBlobStore(root));

    public void Dispose() => Directory.Delete(root, recursive: true);
}

public sealed class InMemorySegmentQueueContractTests : MessageQueueContract<SegmentTask>
{
    protected override Task<IMessageQueue<SegmentTask>> CreateQueueAsync(int maxDeliveryCount) =>
        Task.FromResult<IMessageQueue<SegmentTask>>(new InMemorySegmentQueue(maxDeliveryCount));

    protected override SegmentTask Sample(int n) => ContractSamples.Task(n);
}

public sealed class InMemoryResultQueueContractTests : MessageQueueContract<SegmentResult>
{
    protected override Task<IMessageQueue<SegmentResult>> CreateQueueAsync(int maxDeliveryCount) =>
        Task.FromResult<IMessageQueue<SegmentResult>>(new InMemoryResultQueue(maxDeliveryCount));

    protected override SegmentResult Sample(int n) => ContractSamples.Result(n);
}

public sealed class InMemoryJobIndexContractTests : JobIndexContract
{
    protected override Task<IJobIndex> CreateIndexAsync() => Task.FromResult<IJobIndex>(new InMemoryJobIndex());
}
