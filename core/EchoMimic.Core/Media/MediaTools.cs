
namespace EchoMimic.Core.Media;

/// <summary>
/// The one place that finds the external media tools every caller runs: ffmpeg and ffprobe (Debian package
/// <c>ffmpeg</c>) and espeak-ng (used only by <c>samples make</c>). An environment variable
/// (<c>ECHOMIMIC_FFMPEG</c>, <c>ECHOMIMIC_FFPROBE</c>, <c>ECHOMIMIC_ESPEAK_NG</c>) names the executable; else the
/// first match on the PATH. A tool that is missing is a <see cref="PrerequisiteException"/> naming the variable and
/// the package, raised before the tool is needed, so a missing ffmpeg never surfaces as a Win32Exception mid-job.
/// </summary>
public static class MediaTools
{
    public const string FfmpegVariable = "ECHOMIMIC_FFMPEG";
    public const string FfprobeVariable = "ECHOMIMIC_FFPROBE";
    public const string EspeakNgVariable = "ECHOMIMIC_ESPEAK_NG";

    /// <summary>Path of ffmpeg (<c>$ECHOMIMIC_FFMPEG</c>, else the PATH).</summary>
    /// <exception cref="PrerequisiteException">ffmpeg is not there.</exception>
    public static string Ffmpeg => Resolve("ffmpeg", FfmpegVariable, "ffmpeg");

    /// <summary>Path of ffprobe (<c>$ECHOMIMIC_FFPROBE</c>, else the PATH).</summary>
    /// <exception cref="PrerequisiteException">ffprobe is not there.</exception>
    public static string Ffprobe => Resolve("ffprobe", FfprobeVariable, "ffmpeg");

    /// <summary>Path of espeak-ng (<c>$ECHOMIMIC_ESPEAK_NG</c>, else the PATH).</summary>
    /// <exception cref="PrerequisiteException">espeak-ng is not there.</exception>
    public static string EspeakNg => Resolve("espeak-ng", EspeakNgVariable, "espeak-ng");

    /// <summary>Checks that ffmpeg and ffprobe are both there (before a job starts work that needs them).</summary>
    public static void RequireFfmpeg()
    {
        _ = Ffmpeg;
        _ = Ffprobe;
    }

    private static string Resolve(string tool, string variable, string package)
    {
        var install = $"install it (apt-get install {package}) or set {variable} to its path";
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured)
        {
            return IsExecutable(configured)
                ? Path.GetFullPath(configured)
                : throw new PrerequisiteException(tool, $"{variable}={configured} is not an executable file", $"fix {variable} or unset it to use {tool} from the PATH");
        }

        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, OperatingSystem.IsWindows() ? tool + ".exe" : tool);
            if (IsExecutable(candidate)) return candidate;
        }

        throw new PrerequisiteException(tool, "not found on the PATH", install);
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        return (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
