namespace EchoMimic.Inference.Pose;

/// <summary>
/// An 8-bit, 3-channel image in OpenCV's layout (rows of B, G, R bytes) with the integer rasterisers of OpenCV's
/// <c>imgproc/src/drawing.cpp</c> that <c>cv2.line(thickness=2)</c> and <c>cv2.circle(filled)</c> reach with
/// LINE_8: <c>ThickLine</c> (a 16.16 fixed-point polygon through <c>FillConvexPoly</c> plus radius-1 caps),
/// <c>Line2</c> (fixed-point polygon edges) and <c>Circle</c> (midpoint circle, filled with spans). Reproduced
/// step by step because the pose maps must match the official ones pixel for pixel.
/// </summary>
public sealed class BgrCanvas(int height, int width)
{
    private const int XyShift = 16;
    private const long XyOne = 1L << XyShift;
    private const double DblEpsilon = 2.220446049250313e-16;

    public int Height { get; } = height;
    public int Width { get; } = width;
    public byte[] Pixels { get; } = new byte[checked(height * width * 3)];

    /// <summary><c>cv2.line(img, p1, p2, colour, thickness=2)</c> with integer end points (shift 0, LINE_8).</summary>
    public void ThickLine(int x1, int y1, int x2, int y2, int thickness, (byte B, byte G, byte R) colour)
    {
        if (thickness <= 1) throw new ArgumentOutOfRangeException(nameof(thickness), "only thick lines are used by the pose drawing");
        long p0x = (long)x1 << XyShift, p0y = (long)y1 << XyShift, p1x = (long)x2 << XyShift, p1y = (long)y2 << XyShift;
        const double invXyOne = 1.0 / XyOne;
        double dx = (p0x - p1x) * invXyOne, dy = (p1y - p0y) * invXyOne;
        double r = dx * dx + dy * dy;
        int oddThickness = thickness & 1;
        long fixedThickness = (long)thickness << (XyShift - 1);
        if (Math.Abs(r) > DblEpsilon)
        {
            r = (fixedThickness + oddThickness * XyOne * 0.5) / Math.Sqrt(r);
            long dpx = CvRound(dy * r), dpy = CvRound(dx * r);
            var polygon = new (long X, long Y)[]
            {
                (p0x + dpx, p0y + dpy), (p0x - dpx, p0y - dpy), (p1x - dpx, p1y - dpy), (p1x + dpx, p1y + dpy),
            };
            FillConvexPoly(polygon, colour);
        }
        // Round caps: LINE_8 draws a filled Circle of radius (thickness/2 rounded) at both ends.
        int capRadius = (int)((fixedThickness + (XyOne >> 1)) >> XyShift);
        Circle((int)((p0x + (XyOne >> 1)) >> XyShift), (int)((p0y + (XyOne >> 1)) >> XyShift), capRadius, colour);
        Circle((int)((p1x + (XyOne >> 1)) >> XyShift), (int)((p1y + (XyOne >> 1)) >> XyShift), capRadius, colour);
    }

    /// <summary>OpenCV's <c>FillConvexPoly</c> for LINE_8 with <c>shift = XY_SHIFT</c>: outline with Line2, then scanline spans.</summary>
    private void FillConvexPoly((long X, long Y)[] v, (byte B, byte G, byte R) colour)
    {
        const int shift = XyShift;
        const long delta = 1L << shift >> 1;
        const long delta1 = XyOne >> 1, delta2 = XyOne >> 1;
        int npts = v.Length, edges = npts, imin = 0;
        long xmin = v[0].X, xmax = v[0].X, ymin = v[0].Y, ymax = v[0].Y;
        var p0 = v[npts - 1];
        for (int i = 0; i < npts; i++)
        {
            var p = v[i];
            if (p.Y < ymin) { ymin = p.Y; imin = i; }
            ymax = Math.Max(ymax, p.Y);
            xmax = Math.Max(xmax, p.X);
            xmin = Math.Min(xmin, p.X);
            Line2(p0, p, colour);
            p0 = p;
        }
        xmin = (xmin + delta) >> shift;
        xmax = (xmax + delta) >> shift;
        ymin = (ymin + delta) >> shift;
        ymax = (ymax + delta) >> shift;
        if (npts < 3 || (int)xmax < 0 || (int)ymax < 0 || (int)xmin >= Width || (int)ymin >= Height) return;
        ymax = Math.Min(ymax, Height - 1);

        var edgeIdx = new[] { imin, imin };
        var edgeDi = new[] { 1, npts - 1 };
        var edgeX = new[] { -XyOne, -XyOne };
        var edgeDx = new long[] { 0, 0 };
        int y = (int)ymin;
        var edgeYe = new[] { y, y };
        do
        {
            for (int i = 0; i < 2; i++)
            {
                if (y < edgeYe[i]) continue;
                int idx0 = edgeIdx[i], di = edgeDi[i];
                int idx = idx0 + di;
                if (idx >= npts) idx -= npts;
                for (; edges-- > 0;)
                {
                    int ty = (int)((v[idx].Y + delta) >> shift);
                    if (ty > y)
                    {
                        long xs = v[idx0].X, xe = v[idx].X;
                        edgeYe[i] = ty;
                        edgeDx[i] = ((xe - xs) * 2 + ((long)ty - y)) / (2 * ((long)ty - y));
                        edgeX[i] = xs;
                        edgeIdx[i] = idx;
                        break;
                    }
                    idx0 = idx;
                    idx += di;
                    if (idx >= npts) idx -= npts;
                }
            }
            if (edges < 0) break;
            if (y >= 0)
            {
                int left = 0, right = 1;
                if (edgeX[0] > edgeX[1]) { left = 1; right = 0; }
                int xx1 = (int)((edgeX[left] + delta1) >> XyShift);
                int xx2 = (int)((edgeX[right] + delta2) >> XyShift);
                if (xx2 >= 0 && xx1 < Width) HLine(y, Math.Max(xx1, 0), Math.Min(xx2, Width - 1), colour);
            }
            edgeX[0] += edgeDx[0];
            edgeX[1] += edgeDx[1];
        }
        while (++y <= (int)ymax);
    }

    /// <summary>OpenCV's <c>Line2</c>: an 8-connected line between 16.16 fixed-point points, clipped with <c>clipLine</c>.</summary>
    private void Line2((long X, long Y) a, (long X, long Y) b, (byte B, byte G, byte R) colour)
    {
        long p1x = a.X, p1y = a.Y, p2x = b.X, p2y = b.Y;
        if (!ClipLine((long)Width << XyShift, (long)Height << XyShift, ref p1x, ref p1y, ref p2x, ref p2y)) return;
        long dx = p2x - p1x, dy = p2y - p1y;
        long j = dx < 0 ? -1 : 0, ax = (dx ^ j) - j;
        long i = dy < 0 ? -1 : 0, ay = (dy ^ i) - i;
        long xStep, yStep;
        int ecount;
        if (ax > ay)
        {
            dy = (dy ^ j) - j;
            if (j != 0) { (p1x, p2x) = (p2x, p1x); (p1y, p2y) = (p2y, p1y); }
            xStep = XyOne;
            yStep = (dy << XyShift) / (ax | 1);
            ecount = (int)((p2x - p1x) >> XyShift);
        }
        else
        {
            dx = (dx ^ i) - i;
            if (i != 0) { (p1x, p2x) = (p2x, p1x); (p1y, p2y) = (p2y, p1y); }
            xStep = (dx << XyShift) / (ay | 1);
            yStep = XyOne;
            ecount = (int)((p2y - p1y) >> XyShift);
        }
        p1x += XyOne >> 1;
        p1y += XyOne >> 1;
        PutPoint((int)((p2x + (XyOne >> 1)) >> XyShift), (int)((p2y + (XyOne >> 1)) >> XyShift), colour);
        if (ax > ay)
        {
            p1x >>= XyShift;
            for (; ecount >= 0; ecount--)
            {
                PutPoint((int)p1x, (int)(p1y >> XyShift), colour);
                p1x++;
                p1y += yStep;
            }
        }
        else
        {
            p1y >>= XyShift;
            for (; ecount >= 0; ecount--)
            {
                PutPoint((int)(p1x >> XyShift), (int)p1y, colour);
                p1x += xStep;
                p1y++;
            }
        }
    }

    /// <summary>OpenCV's <c>clipLine(Size2l, Point2l&amp;, Point2l&amp;)</c> (Cohen-Sutherland on the image rectangle).</summary>
    private static bool ClipLine(long width, long height, ref long x1, ref long y1, ref long x2, ref long y2)
    {
        long right = width - 1, bottom = height - 1;
        int c1 = Code(x1, y1), c2 = Code(x2, y2);
        if ((c1 & c2) == 0 && (c1 | c2) != 0)
        {
            long a;
            if ((c1 & 12) != 0)
            {
                a = c1 < 8 ? 0 : bottom;
                x1 += (long)((double)(a - y1) * (x2 - x1) / (y2 - y1));
                y1 = a;
                c1 = (x1 < 0 ? 1 : 0) + (x1 > right ? 2 : 0);
            }
            if ((c2 & 12) != 0)
            {
                a = c2 < 8 ? 0 : bottom;
                x2 += (long)((double)(a - y2) * (x2 - x1) / (y2 - y1));
                y2 = a;
                c2 = (x2 < 0 ? 1 : 0) + (x2 > right ? 2 : 0);
            }
            if ((c1 & c2) == 0 && (c1 | c2) != 0)
            {
                if (c1 != 0)
                {
                    a = c1 == 1 ? 0 : right;
                    y1 += (long)((double)(a - x1) * (y2 - y1) / (x2 - x1));
                    x1 = a;
                    c1 = 0;
                }
                if (c2 != 0)
                {
                    a = c2 == 1 ? 0 : right;
                    y2 += (long)((double)(a - x2) * (y2 - y1) / (x2 - x1));
                    x2 = a;
                    c2 = 0;
                }
            }
        }
        return (c1 | c2) == 0;

        int Code(long x, long y) => (x < 0 ? 1 : 0) + (x > right ? 2 : 0) + (y < 0 ? 4 : 0) + (y > bottom ? 8 : 0);
    }

    /// <summary>OpenCV's filled <c>Circle</c> (what <c>cv2.circle(thickness=-1)</c> uses with LINE_8 and shift 0).</summary>
    public void Circle(int cx, int cy, int radius, (byte B, byte G, byte R) colour)
    {
        int err = 0, dx = radius, dy = 0, plus = 1, minus = (radius << 1) - 1;
        while (dx >= dy)
        {
            HLineClipped(cy - dy, cx - dx, cx + dx, colour);
            HLineClipped(cy + dy, cx - dx, cx + dx, colour);
            HLineClipped(cy - dx, cx - dy, cx + dy, colour);
            HLineClipped(cy + dx, cx - dy, cx + dy, colour);
            dy++;
            err += plus;
            plus += 2;
            int mask = (err <= 0 ? 1 : 0) - 1;
            err -= minus & mask;
            dx += mask;
            minus -= mask & 2;
        }
    }

    private void HLineClipped(int y, int x1, int x2, (byte B, byte G, byte R) colour)
    {
        if ((uint)y >= (uint)Height || x2 < 0 || x1 >= Width) return;
        HLine(y, Math.Max(x1, 0), Math.Min(x2, Width - 1), colour);
    }

    private void HLine(int y, int x1, int x2, (byte B, byte G, byte R) colour)
    {
        for (int x = x1; x <= x2; x++)
        {
            int o = (y * Width + x) * 3;
            Pixels[o] = colour.B;
            Pixels[o + 1] = colour.G;
            Pixels[o + 2] = colour.R;
        }
    }

    private void PutPoint(int x, int y, (byte B, byte G, byte R) colour)
    {
        if (x < 0 || x >= Width || y < 0 || y >= Height) return;
        int o = (y * Width + x) * 3;
        Pixels[o] = colour.B;
        Pixels[o + 1] = colour.G;
        Pixels[o + 2] = colour.R;
    }

    /// <summary>OpenCV's <c>cvRound</c>: round half to even (SSE2 conversion in the current rounding mode).</summary>
    public static long CvRound(double value) => (long)Math.Round(value, MidpointRounding.ToEven);
}
