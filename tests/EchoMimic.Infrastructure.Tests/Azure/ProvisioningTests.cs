using EchoMimic.Core.Messages;
using EchoMimic.Core.Ports;
using EchoMimic.Infrastructure.Azure;
using EchoMimic.Infrastructure.Tests.Contracts;

namespace EchoMimic.Infrastructure.Tests.Azure;

/// <summary>
/// The Storage adapters' two modes on Azurite: provisioning (local stacks: containers, queues and tables are created
/// on first use) and none (Azure: bicep created them; the apps' roles may not create anything, so a missing one is a
/// <see cref="MissingStorageResourceException"/> naming it and nothing is created).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ProvisioningTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JobRecord Job(string id) =>
        new(id, JobStatus.Pending, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Blob_store_without_provisioning_names_a_missing_container_and_creates_none()
    {
        var container = AzuriteFixture.UniqueName("w");
        var store = new AzureBlobStore(azurite.Blobs, provision: false);
        var path = new BlobPath(container, "job-1/clip.mp4");

        var write = await Assert.ThrowsAsync<MissingStorageResourceException>(() => store.PutTextAsync(path, "x", overwrite: false, Ct));
        var read = await Assert.ThrowsAsync<MissingStorageResourceException>(() => store.GetInfoAsync(path, Ct));
        await Assert.ThrowsAsync<MissingStorageResourceException>(() => store.OpenReadAsync(path, Ct));
        await Assert.ThrowsAsync<MissingStorageResourceException>(async () => await store.ListAsync(container, "", Ct).ToListAsync(Ct));

        Assert.Contains($"container '{container}'", write.Message, StringComparison.Ordinal);
        Assert.Equal(("container", container), (read.Kind, read.Name));
        Assert.False((await azurite.Blobs.GetBlobContainerClient(container).ExistsAsync(Ct)).Value);
    }

    [Fact]
    public async Task Blob_store_without_provisioning_uses_a_container_that_exists()
    {
        var container = AzuriteFixture.UniqueName("w");
        await azurite.Blobs.GetBlobContainerClient(container).CreateAsync(cancellationToken: Ct); // as bicep does
        var store = new AzureBlobStore(azurite.Blobs, provision: false);
        var path = new BlobPath(container, "job-1/clip.mp4");

        Assert.Null(await store.GetInfoAsync(path, Ct)); // an absent blob in a present container is not an error
        Assert.True(await store.PutTextAsync(path, "clip", overwrite: false, Ct));
        Assert.Equal("clip"u8.ToArray(), await store.ReadBytesAsync(path, Ct));
        Assert.Single(await store.ListAsync(container, "job-1/", Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task Blob_store_with_provisioning_creates_the_container_on_first_write()
    {
        var container = AzuriteFixture.UniqueName("w");
        var store = new AzureBlobStore(azurite.Blobs);

        Assert.True(await store.PutTextAsync(new BlobPath(container, "a.txt"), "a", overwrite: false, Ct));

        Assert.True((await azurite.Blobs.GetBlobContainerClient(container).ExistsAsync(Ct)).Value);
    }

    [Fact]
    public async Task Result_queue_without_provisioning_names_a_missing_queue_and_creates_none()
    {
        var name = AzuriteFixture.UniqueName("r");
        var queue = new AzureResultQueue(azurite.Queues, name, provision: false);

        var send = await Assert.ThrowsAsync<MissingStorageResourceException>(() =>
            queue.SendAsync([new QueueMessage<SegmentResult>("m-1", ContractSamples.Result(1))], Ct));
        await Assert.ThrowsAsync<MissingStorageResourceException>(() =>
            queue.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(100), Ct));

        Assert.Equal(("queue", name), (send.Kind, send.Name));
        Assert.False((await azurite.Queues.GetQueueClient(name).ExistsAsync(Ct)).Value);
        Assert.False((await azurite.Queues.GetQueueClient(name + "-poison").ExistsAsync(Ct)).Value);
    }

    [Fact]
    public async Task Result_queue_without_provisioning_sends_to_an_existing_queue_and_has_no_dead_letters_yet()
    {
        // What a worker does in Azure: bicep created "segment-results"; the poison queue appears with its first entry.
        var name = AzuriteFixture.UniqueName("r");
        await azurite.Queues.GetQueueClient(name).CreateAsync(cancellationToken: Ct);
        var queue = new AzureResultQueue(azurite.Queues, name, provision: false);

        await queue.SendAsync([new QueueMessage<SegmentResult>("m-1", ContractSamples.Result(1))], Ct);

        await using var lease = await queue.ReceiveAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(2), Ct);
        Assert.Equal(ContractSamples.Result(1), lease!.Body);
        Assert.Empty(await queue.PeekDeadLettersAsync(10, Ct));
        Assert.False((await azurite.Queues.GetQueueClient(name + "-poison").ExistsAsync(Ct)).Value);
        await lease.CompleteAsync(Ct);
    }

    [Fact]
    public async Task Job_index_without_provisioning_names_a_missing_table_and_creates_none()
    {
        var name = AzuriteFixture.UniqueName("t");
        var index = new AzureTableJobIndex(azurite.Tables, name, provision: false);

        var add = await Assert.ThrowsAsync<MissingStorageResourceException>(() => index.AddOrGetAsync(Job("job-1"), Ct));
        await Assert.ThrowsAsync<MissingStorageResourceException>(() => index.GetAsync("job-1", Ct));

        Assert.Equal(("table", name), (add.Kind, add.Name));
        Assert.Empty(await azurite.Tables.QueryAsync(t => t.Name == name, cancellationToken: Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task Job_index_without_provisioning_uses_a_table_that_exists()
    {
        var name = AzuriteFixture.UniqueName("t");
        await azurite.Tables.CreateTableAsync(name, Ct);
        var index = new AzureTableJobIndex(azurite.Tables, name, provision: false);

        Assert.Null(await index.GetAsync("job-1", Ct));
        await index.AddOrGetAsync(Job("job-1"), Ct);
        Assert.Equal("job-1", (await index.GetAsync("job-1", Ct))!.JobId);
    }
}

/// <summary>The queue contract on a results queue without provisioning, over queues created beforehand (as bicep does).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class UnprovisionedResultQueueContractTests(AzuriteFixture azurite) : MessageQueueContract<SegmentResult>
{
    protected override async Task<IMessageQueue<SegmentResult>> CreateQueueAsync(int maxDeliveryCount)
    {
        var name = AzuriteFixture.UniqueName("r");
        await azurite.Queues.GetQueueClient(name).CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        await azurite.Queues.GetQueueClient(name + "-poison").CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        return new AzureResultQueue(azurite.Queues, name, maxDeliveryCount, provision: false);
    }

    protected override SegmentResult Sample(int n) => ContractSamples.Result(n);
}

/// <summary>The job index contract without provisioning, over a table created beforehand.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class UnprovisionedJobIndexContractTests(AzuriteFixture azurite) : JobIndexContract
{
    protected override async Task<IJobIndex> CreateIndexAsync()
    {
        var name = AzuriteFixture.UniqueName("t");
        await azurite.Tables.CreateTableAsync(name, TestContext.Current.CancellationToken);
        return new AzureTableJobIndex(azurite.Tables, name, provision: false);
    }
}
