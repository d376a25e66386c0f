using EchoMimic.Infrastructure.Azure;

namespace EchoMimic.Infrastructure.Tests.Azure;

public sealed class PollBackoffTests
{
    [Fact]
    public void Waits_double_from_the_first_up_to_the_cap_and_stay_there()
    {
        var backoff = new PollBackoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1));

        var waits = Enumerable.Range(0, 8).Select(_ => backoff.AfterEmptyPoll().TotalMilliseconds).ToArray();

        Assert.Equal([50, 100, 200, 400, 800, 1000, 1000, 1000], waits);
    }

    [Fact]
    public void A_cap_below_the_first_wait_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PollBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(50)));
}
