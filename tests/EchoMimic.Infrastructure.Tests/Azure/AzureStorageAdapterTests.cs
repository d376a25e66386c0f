using EchoMimic.Core.Ports;
using EchoMimic.Infrastructure.Azure;

namespace EchoMimic.Infrastructure.Tests.Azure;

/// <summary>
/// Azure-specific behaviour of the Storage adapters on Azurite that the port contract suites do not reach:
/// races decided by the service, the poison queue's format, the table's atomic idempotency rows.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureStorageAdapterTests(AzuriteFixture azurite)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Concurrent_first_writers_leave_exactly_one_winner_and_its_bytes()
    {
        var store = new AzureBlobStore(azurite.Blobs);
        var path = new BlobPath(AzuriteFixture.UniqueName("c"), "race/clip.mp4");
        var payloads = Enumerable.Range(0, 6).Select(i => Enumerable.Repeat((byte)i, 100_000 + i).ToArray()).ToArray();

        var wins = await Task.WhenAll(payloads.Select(p => store.PutBytesAsync(path, p, overwrite: false, Token)));

        Assert.Equal(1, wins.Count(w => w));
        var stored = await store.ReadBytesAsync(path, Token);
        Assert.Equal(payloads[Array.IndexOf(wins, true)], stored);
    }

    [Fact]
    public async Task A_write_that_fails_midway_leaves_nothing_under_the_name()
    {
        var store = new AzureBlobStore(azurite.Blobs);
        var path = new BlobPath(AzuriteFixture.UniqueName("c"), "partial.bin");

        await Assert.ThrowsAnyAsync<IOException>(() =>
            store.PutAsync(path, new FailingStream(bytesBeforeFailure: 300_000), overwrite: true, Token));

        Assert.Null(await store.GetInfoAsync(path, Token));
    }

    [Fact]
    public async Task Message_past_max_deliveries_goes_to_the_poison_queue_with_the_last_reason()
    {
        var queue = new AzureStorageMessageQueue<Payload>(azurite.Queues, AzuriteFixture.UniqueName("q"), maxDeliveryCount: 2);
        await queue.SendAsync([new QueueMessage<Payload>("job-1:0:1", new Payload("x"))], Token);

        for (var delivery = 1; delivery <= 2; delivery++)
        {
            await using var lease = await queue.ReceiveAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), Token);
            Assert.NotNull(lease);
            Assert.Equal(delivery, lease.DeliveryCount);
            await lease.AbandonAsync($"gpu fault {delivery}", Token);
        }

        Assert.Null(await queue.ReceiveAsync(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(300), Token));
        var dead = Assert.Single(await queue.PeekDeadLettersAsync(10, Token));
        Assert.Equal("job-1:0:1", dead.MessageId);
        Assert.Equal("x", dead.Body.Text);
        Assert.Equal(2, dead.DeliveryCount);
        Assert.Contains("gpu fault 2", dead.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settling_after_the_lock_expired_and_another_receiver_took_the_message_is_lock_lost()
    {
        var queue = new AzureStorageMessageQueue<Payload>(azurite.Queues, AzuriteFixture.UniqueName("q"));
        await queue.SendAsync([new QueueMessage<Payload>("m", new Payload("y"))], Token);

        var first = await queue.ReceiveAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), Token);
        Assert.NotNull(first);
        await Task.Delay(TimeSpan.FromSeconds(1.5), Token);
        var second = await queue.ReceiveAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), Token);
        Assert.NotNull(second);
        Assert.Equal(2, second.DeliveryCount);

        await Assert.ThrowsAsync<MessageLockLostException>(() => first.CompleteAsync(Token));
        await second.CompleteAsync(Token);
        Assert.Null(await queue.ReceiveAsync(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(300), Token));
    }

    [Fact]
    public async Task Job_index_keeps_the_first_job_for_an_idempotency_key_and_lists_newest_first()
    {
        var index = new AzureTableJobIndex(azurite.Tables, AzuriteFixture.UniqueName("t"));
        var t0 = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        var first = new JobRecord("job/a?1", JobStatus.Pending, t0, t0, IdempotencyKey: "key#1", CampaignId: "c1");
        var duplicate = first with { JobId = "job-b", CreatedAt = t0.AddMinutes(1) };
        var later = new JobRecord("job-c", JobStatus.Pending, t0.AddMinutes(2), t0.AddMinutes(2), CampaignId: "c2");

        Assert.Equal(first, await index.AddOrGetAsync(first, Token));
        Assert.Equal(first, await index.AddOrGetAsync(duplicate, Token));
        Assert.Equal(later, await index.AddOrGetAsync(later, Token));
        Assert.Null(await index.GetAsync("job-b", Token));
        Assert.Equal("job/a?1", (await index.FindByIdempotencyKeyAsync("key#1", Token))?.JobId);

        await index.UpdateAsync(first with { Status = JobStatus.Running, SegmentsDone = 2, SegmentCount = 5 }, Token);
        var all = await index.ListAsync(null, 10, Token).ToListAsync(Token);
        Assert.Equal(["job-c", "job/a?1"], all.Select(j => j.JobId));
        Assert.Equal(JobStatus.Running, all[1].Status);
        Assert.Equal(2, all[1].SegmentsDone);
        Assert.Equal(["job-c"], (await index.ListAsync("c2", 10, Token).ToListAsync(Token)).Select(j => j.JobId));
        Assert.Single(await index.ListAsync(null, 1, Token).ToListAsync(Token));
    }

    public sealed record Payload(string Text);

    private sealed class FailingStream(int bytesBeforeFailure) : Stream
    {
        private int position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (position >= bytesBeforeFailure)
            {
                throw new IOException("source failed midway");
            }

            var n = Math.Min(count, bytesBeforeFailure - position);
            Array.Fill(buffer, (byte)7, offset, n);
            position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
