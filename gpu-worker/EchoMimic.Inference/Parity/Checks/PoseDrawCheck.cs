using EchoMimic.Inference.Pose;
using static TorchSharp.torch;

namespace EchoMimic.Inference.Parity.Checks;

/// <summary>Fixture component <c>pose_draw</c>: <c>draw_pose_select_v2</c> canvases (exact) and the /255 pose tensor.</summary>
public sealed class PoseDrawCheck : IComponentCheck
{
    public IReadOnlyCollection<string> Components => ["pose_draw"];

    public IReadOnlyDictionary<string, Tensor> Run(Fixture fixture)
    {
        var hands = fixture.Input("hands").to_type(ScalarType.Float64);
        var scores = fixture.Input("hands_score").to_type(ScalarType.Float64);
        var parameters = fixture.Input("draw_pose_params");
        int n = (int)hands.shape[0];
        int width = fixture.Config.GetProperty("W").GetInt32(), height = fixture.Config.GetProperty("H").GetInt32();
        var canvases = new List<Tensor>();
        var images = new List<Tensor>();
        for (int i = 0; i < n; i++)
        {
            var p = parameters[i].data<long>().Select(v => (int)v).ToArray();
            var frame = new PoseFrame(
                new NpyArray(hands[i].data<double>().ToArray(), hands[i].shape.Select(d => (int)d).ToArray()),
                new NpyArray(scores[i].data<double>().ToArray(), scores[i].shape.Select(d => (int)d).ToArray()),
                p, NpyArray.Zeros(18, 2), NpyArray.Zeros(1, 18), NpyArray.Zeros(1, 18), NpyArray.Zeros(1, 68, 2), NpyArray.Zeros(1, 68), i);
            canvases.Add(tensor(PoseMapRenderer.DrawSelectV2(frame, p[0], p[1]), [p[0], p[1], 3], ScalarType.Byte));
            if (fixture.Outputs.Contains("pose_image"))
            {
                var map = PoseMapRenderer.RenderFrame(frame, height, width, out _);
                images.Add(tensor(map, [height, width, 3], ScalarType.Byte).permute(2, 0, 1).to_type(ScalarType.Float32) / 255.0f);
            }
        }
        var outputs = new Dictionary<string, Tensor> { ["canvas"] = stack(canvases) };
        if (images.Count > 0) outputs["pose_image"] = stack(images);
        return outputs;
    }
}
