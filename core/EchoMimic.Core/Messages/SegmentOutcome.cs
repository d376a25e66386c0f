namespace EchoMimic.Core.Messages;

public enum SegmentOutcome
{
    /// <summary>The clip is committed under the task's clip blob (a stage: its outputs are committed).</summary>
    Succeeded,

    /// <summary>The worker gave up on this attempt; <see cref="SegmentResult.Error"/> says why.</summary>
    Failed,

    /// <summary>
    /// The job's inputs are unusable (an <see cref="InputException"/>, e.g. from Prepare); <see cref="SegmentResult.Error"/>
    /// is the user-facing message. Another attempt cannot help, so the job fails at once.
    /// </summary>
    Rejected,
}
