namespace EchoMimic.Cli.Tests.Commands;

/// <summary>User errors of the DWPose commands end with exit code 2 and a message naming the input, not a stack trace.</summary>
public sealed class DwPoseCommandTests
{
    [Fact]
    public void Ref_check_without_models_exits_2_naming_the_model_path()
    {
        var models = Directory.CreateTempSubdirectory("cli-models-").FullName;
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        int code;
        try { code = Program.Main(["ref", "check", "portrait.png", "--models", models]); }
        finally { Console.SetError(previous); }
        Assert.Equal(2, code);
        Assert.Contains(Path.Combine(models, "yolox_l.onnx"), error.ToString(), StringComparison.Ordinal);
        Assert.Contains("huggingface.co/yzd-v/DWPose", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Pose_extract_of_a_missing_video_exits_2()
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        int code;
        try { code = Program.Main(["pose", "extract", "/nonexistent/clip.mp4", "--out", Path.GetTempPath()]); }
        finally { Console.SetError(previous); }
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/clip.mp4", error.ToString(), StringComparison.Ordinal);
    }
}
