namespace EchoMimic.Inference.DwPose;

/// <summary>
/// onnxdet.py <c>inference_detector</c> after <c>session.run</c>: <c>demo_postprocess</c> grid decode, xyxy, divide by
/// the letterbox ratio, <c>multiclass_nms(nms_thr=0.45, score_thr=0.1)</c>, then score &gt; 0.3 and class 0 (person).
/// Arithmetic is float32 like the official in-place writes into the float32 output array.
/// </summary>
public static class DetectorDecoder
{
    public const int Anchors = 8400;
    public const int Columns = 85;
    public const int Classes = 80;
    public const float NmsThreshold = 0.45f;
    public const float CandidateThreshold = 0.1f;
    public const float PersonThreshold = 0.3f;
    private static readonly int[] Strides = [8, 16, 32];

    /// <summary>Decodes the raw 1x8400x85 output; <paramref name="ratio"/> is the letterbox ratio.</summary>
    public static PersonBoxes Decode(ReadOnlySpan<float> raw, float ratio)
    {
        if (raw.Length != Anchors * Columns) throw new ArgumentException($"detector output must hold {Anchors}x{Columns} values, got {raw.Length}", nameof(raw));
        var boxes = new float[Anchors * 4];
        int row = 0;
        foreach (int stride in Strides)
        {
            int cells = DetectorLetterbox.Size / stride;
            for (int gy = 0; gy < cells; gy++)
                for (int gx = 0; gx < cells; gx++, row++)
                {
                    var r = raw.Slice(row * Columns, Columns);
                    // (dx + grid) * stride is float64 in numpy, stored back to float32; exp stays float32.
                    float cx = (float)((r[0] + (double)gx) * stride), cy = (float)((r[1] + (double)gy) * stride);
                    float w = (float)(MathF.Exp(r[2]) * (double)stride), h = (float)(MathF.Exp(r[3]) * (double)stride);
                    boxes[row * 4] = (cx - w / 2f) / ratio;
                    boxes[row * 4 + 1] = (cy - h / 2f) / ratio;
                    boxes[row * 4 + 2] = (cx + w / 2f) / ratio;
                    boxes[row * 4 + 3] = (cy + h / 2f) / ratio;
                }
        }

        var survivors = new List<Detection>();
        for (int c = 0; c < Classes; c++)
        {
            var candidates = new List<Detection>();
            for (int k = 0; k < Anchors; k++)
            {
                float score = raw[k * Columns + 4] * raw[k * Columns + 5 + c];
                if (score > CandidateThreshold)
                    candidates.Add(new Detection(boxes[k * 4], boxes[k * 4 + 1], boxes[k * 4 + 2], boxes[k * 4 + 3], score, c));
            }
            survivors.AddRange(GreedyNms(candidates));
        }
        var persons = survivors.Where(d => d.Score > PersonThreshold && d.Class == 0).ToList();
        return new PersonBoxes(persons, survivors);
    }

    /// <summary>onnxdet.py <c>nms</c>: descending score, "+1 pixel" areas, a box is dropped when IoU &gt; 0.45.</summary>
    private static List<Detection> GreedyNms(List<Detection> candidates)
    {
        // Stable descending sort; the official argsort()[::-1] leaves exact ties unspecified.
        var order = candidates.OrderByDescending(d => d.Score).ToArray();
        var suppressed = new bool[order.Length];
        var keep = new List<Detection>();
        for (int t = 0; t < order.Length; t++)
        {
            if (suppressed[t]) continue;
            var top = order[t];
            keep.Add(top);
            float topArea = (top.X2 - top.X1 + 1f) * (top.Y2 - top.Y1 + 1f);
            for (int i = t + 1; i < order.Length; i++)
            {
                if (suppressed[i]) continue;
                var d = order[i];
                float w = MathF.Max(0f, MathF.Min(top.X2, d.X2) - MathF.Max(top.X1, d.X1) + 1f);
                float h = MathF.Max(0f, MathF.Min(top.Y2, d.Y2) - MathF.Max(top.Y1, d.Y1) + 1f);
                float inter = w * h;
                float area = (d.X2 - d.X1 + 1f) * (d.Y2 - d.Y1 + 1f);
                if (inter / (topArea + area - inter) > NmsThreshold) suppressed[i] = true;
            }
        }
        return keep;
    }
}
