namespace EchoMimic.Inference.DwPose;

/// <summary>
/// OpenCV's uint8 bilinear kernels reproduced in integer arithmetic, because DWPose's detector letterbox
/// (<c>cv2.resize</c>) and pose crop (<c>cv2.warpAffine</c>) are fixed-point in OpenCV: a float bilinear differs by
/// a grey level at edges. Mirrors imgproc/resize.cpp (11-bit weights, half-pixel centres) and imgwarp.cpp
/// (1/32-pixel coordinates, 15-bit weights, constant border).
/// </summary>
public static class OpenCvBilinear
{
    private const int ResizeCoefBits = 11;
    private const int ResizeCoefScale = 1 << ResizeCoefBits;
    private const int VectorLanes = 16;
    private const int InterBits = 5;
    private const int InterTabSize = 1 << InterBits;
    private const int AbBits = 10;
    private const int AbScale = 1 << AbBits;
    private const int RemapCoefBits = 15;
    private const int RemapCoefScale = 1 << RemapCoefBits;

    private static readonly short[] RemapTable = BuildRemapTable();

    /// <summary><c>cv2.resize(img, (width, height), interpolation=cv2.INTER_LINEAR)</c> on a uint8 image.</summary>
    public static RgbImage Resize(RgbImage source, int height, int width)
    {
        // resize.cpp: INTER_LINEAR with an exact 2x downscale on both axes is switched to INTER_AREA's fast path
        // (e.g. a 1280x720 frame letterboxed to 640x360).
        if (source.Width == 2 * width && source.Height == 2 * height) return HalveByArea(source, height, width);
        var (xOffset, xAlpha) = ResizeTaps(source.Width, width, clampWeights: true);
        var (yOffset, yBeta) = ResizeTaps(source.Height, height, clampWeights: false);
        var output = new byte[height * width * 3];
        var row0 = new int[width * 3];
        var row1 = new int[width * 3];
        int row0Source = -1, row1Source = -1;
        for (int dy = 0; dy < height; dy++)
        {
            // Horizontal passes are cached per source row, as OpenCV's ring buffer of rows does.
            int sy0 = yOffset[dy * 2], sy1 = yOffset[dy * 2 + 1];
            if (sy0 == row1Source) { (row0, row1) = (row1, row0); (row0Source, row1Source) = (row1Source, row0Source); }
            if (sy0 != row0Source) { HorizontalPass(source, sy0, xOffset, xAlpha, row0); row0Source = sy0; }
            if (sy1 != row1Source) { HorizontalPass(source, sy1, xOffset, xAlpha, row1); row1Source = sy1; }
            int b0 = yBeta[dy * 2], b1 = yBeta[dy * 2 + 1];
            int outRow = dy * width * 3;
            int n = width * 3, vectorEnd = n - n % VectorLanes;
            for (int i = 0; i < vectorEnd; i++)
            {
                // VResizeLinearVec_32s8u (the 16-lane SIMD path taken on x86): each row value pre-shifted by 4, the
                // high 16 bits of the product kept, then (sum + 2) >> 2.
                int v = ((b0 * (row0[i] >> 4)) >> 16) + ((b1 * (row1[i] >> 4)) >> 16);
                output[outRow + i] = SaturateByte((v + 2) >> 2);
            }
            // The tail that does not fill a vector goes through the scalar FixedPtCast<int, uchar, 22>.
            for (int i = vectorEnd; i < n; i++)
                output[outRow + i] = SaturateByte((b0 * row0[i] + b1 * row1[i] + (1 << 21)) >> 22);
        }
        return new RgbImage(height, width, output);
    }

    /// <summary>resizeAreaFast_ with a 2x2 block: (a + b + c + d + 2) &gt;&gt; 2.</summary>
    private static RgbImage HalveByArea(RgbImage source, int height, int width)
    {
        var output = new byte[height * width * 3];
        var p = source.Pixels;
        int stride = source.Width * 3;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = (2 * y) * stride + 2 * x * 3;
                for (int c = 0; c < 3; c++)
                    output[(y * width + x) * 3 + c] = (byte)((p[i + c] + p[i + 3 + c] + p[i + stride + c] + p[i + stride + 3 + c] + 2) >> 2);
            }
        return new RgbImage(height, width, output);
    }

    private static void HorizontalPass(RgbImage source, int sy, int[] xOffset, short[] xAlpha, int[] row)
    {
        int width = row.Length / 3;
        int srcRow = sy * source.Width * 3;
        for (int dx = 0; dx < width; dx++)
        {
            int s0 = srcRow + xOffset[dx * 2] * 3, s1 = srcRow + xOffset[dx * 2 + 1] * 3;
            int a0 = xAlpha[dx * 2], a1 = xAlpha[dx * 2 + 1];
            for (int c = 0; c < 3; c++) row[dx * 3 + c] = source.Pixels[s0 + c] * a0 + source.Pixels[s1 + c] * a1;
        }
    }

    /// <summary>
    /// Source indices and 11-bit weights per destination index, as resize.cpp computes them in float. Only the x
    /// weights are clamped at the borders; y keeps its fraction and only the row indices are clipped (the invoker's
    /// <c>clip(sy, 0, H)</c>), which matters because the SIMD vertical pass floors each product separately.
    /// </summary>
    private static (int[] Offsets, short[] Weights) ResizeTaps(int sourceSize, int destinationSize, bool clampWeights)
    {
        double scale = 1.0 / ((double)destinationSize / sourceSize);
        var offsets = new int[destinationSize * 2];
        var weights = new short[destinationSize * 2];
        for (int d = 0; d < destinationSize; d++)
        {
            float f = (float)((d + 0.5) * scale - 0.5);
            int s = (int)MathF.Floor(f);
            f -= s;
            if (clampWeights)
            {
                if (s < 0) { f = 0; s = 0; }
                if (s >= sourceSize - 1) { f = 0; s = sourceSize - 1; }
            }
            offsets[d * 2] = Math.Clamp(s, 0, sourceSize - 1);
            offsets[d * 2 + 1] = Math.Clamp(s + 1, 0, sourceSize - 1);
            weights[d * 2] = SaturateShort((1f - f) * ResizeCoefScale);
            weights[d * 2 + 1] = SaturateShort(f * ResizeCoefScale);
        }
        return (offsets, weights);
    }

    /// <summary>
    /// <c>cv2.warpAffine(img, matrix, (width, height), flags=cv2.INTER_LINEAR)</c> with the default constant-0 border;
    /// <paramref name="matrix"/> is the forward 2x3 source-to-destination matrix (row-major), inverted here as OpenCV does.
    /// <paramref name="replicateBorder"/> gives BORDER_REPLICATE instead (used for portrait padding, not by DWPose).
    /// </summary>
    public static RgbImage WarpAffine(RgbImage source, double[] matrix, int height, int width, bool replicateBorder = false)
    {
        var m = InvertAffine(matrix);
        var output = new byte[height * width * 3];
        var adelta = new int[width];
        var bdelta = new int[width];
        for (int x = 0; x < width; x++)
        {
            adelta[x] = SaturateInt(m[0] * x * AbScale);
            bdelta[x] = SaturateInt(m[3] * x * AbScale);
        }
        const int roundDelta = AbScale / InterTabSize / 2;
        for (int y = 0; y < height; y++)
        {
            int x0 = SaturateInt((m[1] * y + m[2]) * AbScale) + roundDelta;
            int y0 = SaturateInt((m[4] * y + m[5]) * AbScale) + roundDelta;
            for (int x = 0; x < width; x++)
            {
                int fx = (x0 + adelta[x]) >> (AbBits - InterBits);
                int fy = (y0 + bdelta[x]) >> (AbBits - InterBits);
                int sx = fx >> InterBits, sy = fy >> InterBits;
                int table = ((fy & (InterTabSize - 1)) * InterTabSize + (fx & (InterTabSize - 1))) * 4;
                int outIndex = (y * width + x) * 3;
                int w0 = RemapTable[table], w1 = RemapTable[table + 1], w2 = RemapTable[table + 2], w3 = RemapTable[table + 3];
                if ((uint)sx < (uint)(source.Width - 1) && (uint)sy < (uint)(source.Height - 1))
                {
                    int i0 = (sy * source.Width + sx) * 3, i2 = i0 + source.Width * 3;
                    var p = source.Pixels;
                    for (int c = 0; c < 3; c++)
                    {
                        int sum = w0 * p[i0 + c] + w1 * p[i0 + 3 + c] + w2 * p[i2 + c] + w3 * p[i2 + 3 + c];
                        output[outIndex + c] = SaturateByte((sum + (1 << (RemapCoefBits - 1))) >> RemapCoefBits);
                    }
                    continue;
                }
                for (int c = 0; c < 3; c++)
                {
                    int sum = w0 * Sample(source, sx, sy, c, replicateBorder) + w1 * Sample(source, sx + 1, sy, c, replicateBorder)
                            + w2 * Sample(source, sx, sy + 1, c, replicateBorder) + w3 * Sample(source, sx + 1, sy + 1, c, replicateBorder);
                    output[outIndex + c] = SaturateByte((sum + (1 << (RemapCoefBits - 1))) >> RemapCoefBits);
                }
            }
        }
        return new RgbImage(height, width, output);
    }

    private static int Sample(RgbImage image, int x, int y, int c, bool replicate)
    {
        if (replicate) return image.Pixels[(Math.Clamp(y, 0, image.Height - 1) * image.Width + Math.Clamp(x, 0, image.Width - 1)) * 3 + c];
        return (uint)x < (uint)image.Width && (uint)y < (uint)image.Height ? image.Pixels[(y * image.Width + x) * 3 + c] : 0;
    }

    /// <summary>imgwarp.cpp warpAffine: inverts the forward matrix in double unless WARP_INVERSE_MAP.</summary>
    public static double[] InvertAffine(double[] m)
    {
        double d = m[0] * m[4] - m[1] * m[3];
        d = d != 0 ? 1.0 / d : 0;
        double a11 = m[4] * d, a22 = m[0] * d;
        double m1 = -m[1] * d, m3 = -m[3] * d;
        double b1 = -a11 * m[2] - m1 * m[5];
        double b2 = -m3 * m[2] - a22 * m[5];
        return [a11, m1, b1, m3, a22, b2];
    }

    /// <summary>imgwarp.cpp initInterTab2D for INTER_LINEAR: rounded 15-bit products, fixed up to sum exactly 1.</summary>
    private static short[] BuildRemapTable()
    {
        var table = new short[InterTabSize * InterTabSize * 4];
        for (int i = 0; i < InterTabSize; i++)
        {
            float wy = i / (float)InterTabSize;
            for (int j = 0; j < InterTabSize; j++)
            {
                float wx = j / (float)InterTabSize;
                float[] w = [(1 - wy) * (1 - wx), (1 - wy) * wx, wy * (1 - wx), wy * wx];
                int baseIndex = (i * InterTabSize + j) * 4, sum = 0;
                for (int k = 0; k < 4; k++)
                {
                    table[baseIndex + k] = SaturateShort(w[k] * RemapCoefScale);
                    sum += table[baseIndex + k];
                }
                // initInterTab2D searches the "2x2 centre" at ksize/2 = 1, i.e. entries 3..6 of a 4-entry block: its own
                // last weight and the next block's first three, still zero while the table is being built. So a sum
                // that is too small (only the (0,0) cell: 1.0 saturates to 32767) is fixed on weight 3, and a sum that
                // is too large is "fixed" in the next block and overwritten: kept as is.
                int diff = sum - RemapCoefScale;
                if (diff < 0 || table[baseIndex + 3] == 0) table[baseIndex + 3] = (short)(table[baseIndex + 3] - diff);
            }
        }
        return table;
    }

    private static byte SaturateByte(int v) => (byte)Math.Clamp(v, 0, 255);

    // saturate_cast from floating point rounds half to even (cvRound -> lrint).
    private static short SaturateShort(float v) => (short)Math.Clamp(MathF.Round(v, MidpointRounding.ToEven), short.MinValue, short.MaxValue);

    private static int SaturateInt(double v) => (int)Math.Clamp(Math.Round(v, MidpointRounding.ToEven), int.MinValue, int.MaxValue);
}
