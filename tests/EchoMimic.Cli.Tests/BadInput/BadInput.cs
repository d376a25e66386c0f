namespace EchoMimic.Cli.Tests.BadInput;

/// <summary>What a generated input is and which entry points read it.</summary>
internal enum InputKind
{
    JobSpec,
    CsvManifest,
    JsonlManifest,
    Image,
    Audio,
    Video,
    PoseFrame,
    PoseFolder,
    Gesture,
    Checkpoint,
}

/// <summary>
/// One generated input: a file under the campaign's temp folder. <see cref="AcceptedBecause"/> is null for an input
/// every entry point must reject; otherwise it is the reason a professional tool takes it as valid.
/// </summary>
internal sealed record BadInput(string Name, InputKind Kind, string Path, string? AcceptedBecause = null);
