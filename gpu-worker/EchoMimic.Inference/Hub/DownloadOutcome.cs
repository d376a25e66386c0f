namespace EchoMimic.Inference.Hub;

/// <summary>How a file came to be in place.</summary>
public enum DownloadOutcome
{
    /// <summary>Fetched in one go from byte 0.</summary>
    Downloaded,

    /// <summary>Continued with a Range request from a <c>.part</c> file (left by an earlier run or a broken transfer).</summary>
    Resumed,

    /// <summary>Already in the folder with the size the server gives; not fetched again.</summary>
    AlreadyPresent,
}
