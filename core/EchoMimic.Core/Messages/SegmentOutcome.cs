namespace EchoMimic.Core.Messages;

public enum SegmentOutcome
{
    /// <summary>The clip is committed under the task's clip blob.</summary>
    Succeeded,

    /// <summary>The worker gave up on this attempt; <see cref="SegmentResult.Error"/> says why.</summary>
    Failed,
}
