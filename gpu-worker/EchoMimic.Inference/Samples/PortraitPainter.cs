using SkiaSharp;

namespace EchoMimic.Inference.Samples;

/// <summary>
/// Paints the project's own sample portrait: a half-body figure facing the camera with open hands at waist height,
/// framed like the official demo portraits (head in the upper fifth, shoulders near the middle, hands visible).
/// Everything is drawn from code; the hands use <see cref="HandModel"/> at the gestures' rest positions.
/// </summary>
public static class PortraitPainter
{
    private static readonly SKColor Skin = new(236, 196, 170), SkinShade = new(214, 168, 142), Hair = new(52, 36, 30);
    private static readonly SKColor Shirt = new(238, 232, 224), ShirtShade = new(214, 206, 196), Jeans = new(70, 100, 150);

    public static byte[] PaintPng(int size = 768)
    {
        using var surface = SKSurface.Create(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        var c = surface.Canvas;
        c.Scale(size, size);
        Background(c);
        Body(c);
        Head(c);
        var (left, right) = RestHands();
        Hand(c, left);
        Hand(c, right);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static (Point2[] Left, Point2[] Right) RestHands()
    {
        var frame = GestureLibrary.Breathing(1.0)[0];
        Point2[] Hand(int h) => Enumerable.Range(0, 21).Select(k => new Point2(frame.HandX(h, k), frame.HandY(h, k))).ToArray();
        return (Hand(0), Hand(1));
    }

    private static void Background(SKCanvas c)
    {
        using var wall = new SKPaint { Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, 1), [new SKColor(222, 222, 230), new SKColor(196, 198, 210)], SKShaderTileMode.Clamp) };
        c.DrawRect(0, 0, 1, 1, wall);
        using var window = new SKPaint { Color = new SKColor(84, 88, 100), IsAntialias = true };
        using var frame = new SKPaint { Color = new SKColor(236, 236, 240), IsAntialias = true };
        foreach (var x in new[] { 0.0f, 0.66f })
        {
            c.DrawRect(x - 0.01f, 0.20f, 0.36f, 0.66f, frame);
            c.DrawRect(x, 0.22f, 0.34f, 0.62f, window);
        }
        using var light = new SKPaint { Color = new SKColor(250, 250, 255), IsAntialias = true };
        c.DrawRoundRect(0.04f, 0.06f, 0.14f, 0.025f, 0.01f, 0.01f, light);
        c.DrawRoundRect(0.82f, 0.06f, 0.14f, 0.025f, 0.01f, 0.01f, light);
        using var table = new SKPaint { Color = new SKColor(196, 150, 100), IsAntialias = true };
        c.DrawRect(0, 0.93f, 1, 0.07f, table);
    }

    private static void Body(SKCanvas c)
    {
        using var skin = new SKPaint { Color = Skin, IsAntialias = true };
        using var shade = new SKPaint { Color = SkinShade, IsAntialias = true };
        c.DrawRect(0.462f, 0.27f, 0.076f, 0.15f, skin);
        using var jeans = new SKPaint { Color = Jeans, IsAntialias = true };
        c.DrawRect(0.335f, 0.84f, 0.33f, 0.16f, jeans);
        using var shirt = new SKPaint { Color = Shirt, IsAntialias = true };
        using var torso = new SKPathBuilder();
        torso.MoveTo(0.44f, 0.385f);
        torso.QuadTo(0.5f, 0.45f, 0.56f, 0.385f);
        torso.QuadTo(0.68f, 0.40f, 0.73f, 0.46f);
        torso.LineTo(0.76f, 0.63f);
        torso.LineTo(0.685f, 0.645f);
        torso.LineTo(0.665f, 0.87f);
        torso.LineTo(0.335f, 0.87f);
        torso.LineTo(0.315f, 0.645f);
        torso.LineTo(0.24f, 0.63f);
        torso.LineTo(0.27f, 0.46f);
        torso.QuadTo(0.32f, 0.40f, 0.44f, 0.385f);
        torso.Close();
        Fill(c, torso, shirt);
        using var fold = new SKPaint { Color = ShirtShade, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 0.006f, StrokeCap = SKStrokeCap.Round };
        c.DrawLine(0.40f, 0.70f, 0.45f, 0.80f, fold);
        c.DrawLine(0.60f, 0.70f, 0.56f, 0.81f, fold);
        using var arm = new SKPaint { Color = Skin, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 0.052f, StrokeCap = SKStrokeCap.Round };
        var (left, right) = RestHands();
        // Upper arms hang from the sleeves to the elbows; forearms reach forward-out to the open hands.
        c.DrawLine(0.282f, 0.62f, 0.31f, 0.77f, arm);
        c.DrawLine(0.31f, 0.77f, (float)right[0].X, (float)right[0].Y, arm);
        c.DrawLine(0.718f, 0.62f, 0.69f, 0.77f, arm);
        c.DrawLine(0.69f, 0.77f, (float)left[0].X, (float)left[0].Y, arm);
        c.DrawOval(0.5f, 0.405f, 0.03f, 0.012f, shade);
    }

    private static void Head(SKCanvas c)
    {
        using var hair = new SKPaint { Color = Hair, IsAntialias = true };
        c.DrawOval(0.5f, 0.19f, 0.112f, 0.135f, hair);
        using var skin = new SKPaint { Color = Skin, IsAntialias = true };
        c.DrawOval(0.424f, 0.215f, 0.014f, 0.024f, skin);
        c.DrawOval(0.576f, 0.215f, 0.014f, 0.024f, skin);
        c.DrawOval(0.5f, 0.215f, 0.077f, 0.1f, skin);
        using var fringe = new SKPathBuilder();
        fringe.MoveTo(0.42f, 0.19f);
        fringe.QuadTo(0.44f, 0.09f, 0.5f, 0.095f);
        fringe.QuadTo(0.57f, 0.09f, 0.585f, 0.19f);
        fringe.QuadTo(0.56f, 0.12f, 0.5f, 0.125f);
        fringe.QuadTo(0.45f, 0.125f, 0.42f, 0.19f);
        Fill(c, fringe, hair);
        using var white = new SKPaint { Color = SKColors.White, IsAntialias = true };
        using var iris = new SKPaint { Color = new SKColor(60, 40, 30), IsAntialias = true };
        using var brow = new SKPaint { Color = Hair, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 0.006f, StrokeCap = SKStrokeCap.Round };
        foreach (var x in new[] { 0.471f, 0.529f })
        {
            c.DrawOval(x, 0.205f, 0.016f, 0.008f, white);
            c.DrawCircle(x, 0.205f, 0.0065f, iris);
            c.DrawLine(x - 0.018f, 0.185f, x + 0.016f, 0.183f, brow);
        }
        using var nose = new SKPaint { Color = new SKColor(200, 150, 125), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 0.004f, StrokeCap = SKStrokeCap.Round };
        c.DrawLine(0.5f, 0.215f, 0.497f, 0.245f, nose);
        c.DrawLine(0.491f, 0.247f, 0.505f, 0.247f, nose);
        using var lips = new SKPaint { Color = new SKColor(200, 90, 90), IsAntialias = true };
        c.DrawOval(0.5f, 0.272f, 0.02f, 0.007f, lips);
    }

    private static void Hand(SKCanvas c, Point2[] k)
    {
        using var palm = new SKPaint { Color = Skin, IsAntialias = true };
        using var path = new SKPathBuilder();
        path.MoveTo(P(k[0]));
        foreach (var i in new[] { 1, 5, 9, 13, 17 }) path.LineTo(P(k[i]));
        path.Close();
        Fill(c, path, palm);
        using var palmEdge = new SKPaint { Color = Skin, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 0.024f, StrokeJoin = SKStrokeJoin.Round };
        Fill(c, path, palmEdge);
        using var finger = new SKPaint { Color = Skin, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeCap = SKStrokeCap.Round, StrokeJoin = SKStrokeJoin.Round };
        for (int f = 0; f < 5; f++)
        {
            finger.StrokeWidth = f == 0 ? 0.02f : f == 4 ? 0.014f : 0.017f;
            using var line = new SKPathBuilder();
            line.MoveTo(P(k[1 + f * 4]));
            for (int s = 2; s <= 4; s++) line.LineTo(P(k[f * 4 + s]));
            Fill(c, line, finger);
        }
    }

    private static void Fill(SKCanvas c, SKPathBuilder builder, SKPaint paint)
    {
        using var path = builder.Snapshot();
        c.DrawPath(path, paint);
    }

    private static SKPoint P(Point2 p) => new((float)p.X, (float)p.Y);
}
