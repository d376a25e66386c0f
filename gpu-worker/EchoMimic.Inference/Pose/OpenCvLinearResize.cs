namespace EchoMimic.Inference.Pose;

/// <summary>
/// <c>cv2.resize(img, (W, H))</c> (INTER_LINEAR) for 8-bit, 3-channel images, bit-exact with OpenCV's
/// <c>resizeGeneric</c>: float source coordinates <c>(d + 0.5) * scale - 0.5</c>, coefficients rounded to 11-bit
/// fixed point, a horizontal pass into int rows, and the vertical pass of <c>VResizeLinear&lt;uchar&gt;</c>
/// (<c>((b0 * (S0 &gt;&gt; 4)) &gt;&gt; 16) + ((b1 * (S1 &gt;&gt; 4)) &gt;&gt; 16) + 2) &gt;&gt; 2</c>, the same in its SIMD and
/// scalar forms). An exact 2x reduction takes OpenCV's INTER_AREA fast path instead, as cv::resize does.
/// </summary>
public static class OpenCvLinearResize
{
    private const int CoefBits = 11;
    private const int CoefScale = 1 << CoefBits;
    private const int Channels = 3;

    public static byte[] Resize(byte[] source, int sourceHeight, int sourceWidth, int height, int width)
    {
        if (sourceHeight == height && sourceWidth == width) return (byte[])source.Clone();
        double invScaleX = (double)width / sourceWidth, invScaleY = (double)height / sourceHeight;
        double scaleX = 1.0 / invScaleX, scaleY = 1.0 / invScaleY;
        int iscaleX = (int)Math.Round(scaleX, MidpointRounding.ToEven), iscaleY = (int)Math.Round(scaleY, MidpointRounding.ToEven);
        bool areaFast = Math.Abs(scaleX - iscaleX) < 2.220446049250313e-16 && Math.Abs(scaleY - iscaleY) < 2.220446049250313e-16;
        if (areaFast && iscaleX == 2 && iscaleY == 2) return HalveArea(source, sourceWidth, height, width);

        var xofs = new int[width];
        var alpha = new short[width * 2];
        for (int dx = 0; dx < width; dx++)
        {
            float fx = (float)((dx + 0.5) * scaleX - 0.5);
            int sx = (int)MathF.Floor(fx);
            fx -= sx;
            if (sx < 0) { fx = 0; sx = 0; }
            if (sx >= sourceWidth - 1) { fx = 0; sx = sourceWidth - 1; }
            xofs[dx] = sx;
            alpha[dx * 2] = SaturateShort((1f - fx) * CoefScale);
            alpha[dx * 2 + 1] = SaturateShort(fx * CoefScale);
        }

        var rows = new int[sourceHeight][];
        int[] HorizontalRow(int sy)
        {
            if (rows[sy] is { } cached) return cached;
            var row = new int[width * Channels];
            int rowStart = sy * sourceWidth * Channels;
            for (int dx = 0; dx < width; dx++)
            {
                int sx = xofs[dx];
                int a0 = alpha[dx * 2], a1 = alpha[dx * 2 + 1];
                int next = sx + 1 < sourceWidth ? sx + 1 : sx;
                for (int c = 0; c < Channels; c++)
                {
                    int s0 = source[rowStart + sx * Channels + c];
                    // Columns clamped at the right edge take one tap (value * ONE) in HResizeLinear.
                    row[dx * Channels + c] = sx + 1 < sourceWidth ? s0 * a0 + source[rowStart + next * Channels + c] * a1 : s0 * CoefScale;
                }
            }
            return rows[sy] = row;
        }

        var result = new byte[height * width * Channels];
        for (int dy = 0; dy < height; dy++)
        {
            float fy = (float)((dy + 0.5) * scaleY - 0.5);
            int sy = (int)MathF.Floor(fy);
            fy -= sy;
            int b0 = SaturateShort((1f - fy) * CoefScale), b1 = SaturateShort(fy * CoefScale);
            var s0 = HorizontalRow(Math.Clamp(sy, 0, sourceHeight - 1));
            var s1 = HorizontalRow(Math.Clamp(sy + 1, 0, sourceHeight - 1));
            int o = dy * width * Channels;
            for (int x = 0; x < width * Channels; x++)
            {
                int v = (((b0 * (s0[x] >> 4)) >> 16) + ((b1 * (s1[x] >> 4)) >> 16) + 2) >> 2;
                result[o + x] = (byte)Math.Clamp(v, 0, 255);
            }
        }
        return result;
    }

    /// <summary>OpenCV's <c>resizeAreaFast</c> for an exact 2x reduction: the rounded mean of each 2x2 block.</summary>
    private static byte[] HalveArea(byte[] source, int sourceWidth, int height, int width)
    {
        var result = new byte[height * width * Channels];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < Channels; c++)
                {
                    int a = ((2 * y) * sourceWidth + 2 * x) * Channels + c, b = a + sourceWidth * Channels;
                    result[(y * width + x) * Channels + c] = (byte)((source[a] + source[a + Channels] + source[b] + source[b + Channels] + 2) >> 2);
                }
        return result;
    }

    private static short SaturateShort(float value) => (short)Math.Clamp(MathF.Round(value, MidpointRounding.ToEven), short.MinValue, short.MaxValue);
}
