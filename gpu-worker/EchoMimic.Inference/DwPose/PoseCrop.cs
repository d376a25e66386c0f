namespace EchoMimic.Inference.DwPose;

/// <summary>One person's pose-model input (3x384x288 float32) and the crop geometry that maps keypoints back.</summary>
public sealed record PoseCrop(float[] Tensor, double CenterX, double CenterY, double ScaleW, double ScaleH, double[] WarpMatrix)
{
    public const int InputWidth = 288;
    public const int InputHeight = 384;
    public const double Padding = 1.25;
    private static readonly double[] Mean = [123.675, 116.28, 103.53];
    private static readonly double[] Std = [58.395, 57.12, 57.375];

    /// <summary>
    /// onnxpose.py <c>preprocess</c>: with no box the whole image is the box (so there is always a person downstream);
    /// per box <c>bbox_xyxy2cs(padding=1.25)</c>, <c>top_down_affine</c> (aspect fix to 288/384, warpAffine), then
    /// ImageNet mean/std on 0..255 in the image's own channel order.
    /// </summary>
    public static IReadOnlyList<PoseCrop> FromBoxes(RgbImage image, IReadOnlyList<(double X1, double Y1, double X2, double Y2)> boxes)
    {
        if (boxes.Count == 0) boxes = [(0, 0, image.Width, image.Height)];
        return boxes.Select(b => FromBox(image, b.X1, b.Y1, b.X2, b.Y2)).ToList();
    }

    public static PoseCrop FromBox(RgbImage image, double x1, double y1, double x2, double y2)
    {
        double cx = (x1 + x2) * 0.5, cy = (y1 + y2) * 0.5;
        double w = (x2 - x1) * Padding, h = (y2 - y1) * Padding;
        const double aspect = (double)InputWidth / InputHeight;
        // _fix_aspect_ratio
        (w, h) = w > h * aspect ? (w, w / aspect) : (h * aspect, h);
        var matrix = BuildWarpMatrix(cx, cy, w);
        var warped = OpenCvBilinear.WarpAffine(image, matrix, InputHeight, InputWidth);
        var tensor = new float[3 * InputHeight * InputWidth];
        int plane = InputHeight * InputWidth;
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++)
                tensor[c * plane + i] = (float)((warped.Pixels[i * 3 + c] - Mean[c]) / Std[c]);
        return new PoseCrop(tensor, cx, cy, w, h, matrix);
    }

    /// <summary>
    /// onnxpose.py <c>get_warp_matrix</c> (rot 0, no shift): three float32 point pairs (centre, centre - (0, w/2), and the
    /// perpendicular third point) solved exactly as <c>cv2.getAffineTransform</c> does, in double.
    /// </summary>
    public static double[] BuildWarpMatrix(double cx, double cy, double scaleW)
    {
        float s0x = (float)cx, s0y = (float)cy;
        float s1x = (float)(cx + 0.0), s1y = (float)(cy + scaleW * -0.5);
        var (s2x, s2y) = ThirdPoint(s0x, s0y, s1x, s1y);
        const float d0x = InputWidth * 0.5f, d0y = InputHeight * 0.5f;
        const float d1x = d0x, d1y = d0y - InputWidth * 0.5f;
        var (d2x, d2y) = ThirdPoint(d0x, d0y, d1x, d1y);
        return SolveAffine([s0x, s0y, s1x, s1y, s2x, s2y], [d0x, d0y, d1x, d1y, d2x, d2y]);
    }

    // _get_3rd_point: b + (-(a-b).y, (a-b).x), in float32 like the numpy float32 rows.
    private static (float X, float Y) ThirdPoint(float ax, float ay, float bx, float by)
    {
        float dx = ax - bx, dy = ay - by;
        return (bx + -dy, by + dx);
    }

    /// <summary>The 6x6 system of getAffineTransform, solved by Gaussian elimination with partial pivoting (LU).</summary>
    private static double[] SolveAffine(float[] src, float[] dst)
    {
        var a = new double[6, 7];
        for (int i = 0; i < 3; i++)
        {
            a[i * 2, 0] = src[i * 2]; a[i * 2, 1] = src[i * 2 + 1]; a[i * 2, 2] = 1;
            a[i * 2 + 1, 3] = src[i * 2]; a[i * 2 + 1, 4] = src[i * 2 + 1]; a[i * 2 + 1, 5] = 1;
            a[i * 2, 6] = dst[i * 2]; a[i * 2 + 1, 6] = dst[i * 2 + 1];
        }
        for (int col = 0; col < 6; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < 6; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            if (a[pivot, col] == 0) throw new InvalidOperationException("degenerate pose crop (zero-size box)");
            for (int k = 0; k < 7; k++) (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
            for (int r = col + 1; r < 6; r++)
            {
                double f = a[r, col] / a[col, col];
                for (int k = col; k < 7; k++) a[r, k] -= f * a[col, k];
            }
        }
        var x = new double[6];
        for (int r = 5; r >= 0; r--)
        {
            double s = a[r, 6];
            for (int k = r + 1; k < 6; k++) s -= a[r, k] * x[k];
            x[r] = s / a[r, r];
        }
        return x;
    }
}
