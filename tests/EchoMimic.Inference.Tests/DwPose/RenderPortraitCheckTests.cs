using EchoMimic.Core;
using EchoMimic.Inference.DwPose;

namespace EchoMimic.Inference.Tests.DwPose;

public sealed class RenderPortraitCheckTests
{
    [Fact]
    public void Without_models_the_render_check_prints_one_notice_and_keeps_the_portrait()
    {
        var models = DwPoseModelFiles.InFolder(Directory.CreateTempSubdirectory("render-nomodels-").FullName);
        var portrait = RgbImage.Filled(64, 64, 10);
        var outcome = RenderPortraitCheck.Run(portrait, "p.png", models, autoFit: false, size: 768);
        Assert.Same(portrait, outcome.Portrait);
        Assert.Single(outcome.Messages);
        Assert.StartsWith("notice: DWPose models not found", outcome.Messages[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_fit_without_models_is_an_input_error()
    {
        var models = DwPoseModelFiles.InFolder(Directory.CreateTempSubdirectory("render-nomodels-").FullName);
        Assert.Throws<InputException>(() => RenderPortraitCheck.Run(RgbImage.Filled(64, 64, 10), "p.png", models, autoFit: true, size: 768));
    }

    [Fact]
    public void Portrait_without_person_warns_on_render_and_fails_auto_fit()
    {
        var models = DwPoseModelFiles.InFolder(DwPoseInputErrorTests.TinyModels());
        var grey = RgbImage.Filled(240, 320, 114);
        var outcome = RenderPortraitCheck.Run(grey, "grey.png", models, autoFit: false, size: 768);
        Assert.Contains(outcome.Messages, m => m.Contains("no person detected", StringComparison.Ordinal));
        Assert.False(outcome.Fitted);
        Assert.Throws<InputException>(() => RenderPortraitCheck.Run(grey, "grey.png", models, autoFit: true, size: 768));
    }

    [Fact]
    public void Exact_half_letterbox_averages_2x2_blocks()
    {
        // 1280 x 2 source rows -> 640 x 1: OpenCV switches INTER_LINEAR to the INTER_AREA fast path for exact halving.
        var pixels = new byte[2 * 1280 * 3];
        for (int x = 0; x < 1280; x++)
            for (int c = 0; c < 3; c++) { pixels[x * 3 + c] = (byte)(x % 2 == 0 ? 10 : 11); pixels[(1280 + x) * 3 + c] = 12; }
        var input = DetectorLetterbox.Apply(new RgbImage(2, 1280, pixels));
        Assert.Equal(0.5, input.Ratio);
        // (10 + 11 + 12 + 12 + 2) >> 2 = 11; below the single row the canvas is pad 114.
        Assert.Equal(11f, input.Tensor[0]);
        Assert.Equal(11f, input.Tensor[639]);
        Assert.Equal(114f, input.Tensor[640]);
    }
}
