using EchoMimic.Core;

namespace EchoMimic.Inference.Media;

/// <summary>
/// Checks, before any work, that an output file or folder can be written: the folder is created if missing and a
/// probe file is written and deleted there. Anything in the way (a file where a folder should be, no permission, a
/// read-only file system) is an <see cref="InputException"/> naming the output, so a command never renders for
/// minutes and then fails to save.
/// </summary>
public static class WritableOutput
{
    /// <summary>An output file: not a folder, and its folder writable.</summary>
    public static void File(string output)
    {
        if (Directory.Exists(output)) throw new InputException(output, "output path is a folder, not a file");
        Probe(output, Path.GetDirectoryName(Path.GetFullPath(output))!);
    }

    /// <summary>An output folder: not a file, created if missing, and writable.</summary>
    public static void Folder(string output)
    {
        if (System.IO.File.Exists(output)) throw new InputException(output, "is a file, expected a folder");
        Probe(output, Path.GetFullPath(output));
    }

    private static void Probe(string output, string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".echomimic-write-test-{Guid.NewGuid():N}");
            System.IO.File.WriteAllBytes(probe, []);
            System.IO.File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(output, $"output folder is not writable ({e.Message})");
        }
    }
}
