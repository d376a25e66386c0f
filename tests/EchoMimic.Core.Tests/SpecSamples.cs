namespace EchoMimic.Core.Tests;

internal static class SpecSamples
{
    public const string Minimal = """
        {
          "schemaVersion": 1,
          "inputs": {
            "reference": "uploads/job1/ref.png",
            "audio": "uploads/job1/speech.wav",
            "pose": { "gesture": "fight" }
          }
        }
        """;

    public const string Full = """
        {
          "schemaVersion": 1,
          "inputs": {
            "reference": "uploads/job1/ref.jpg",
            "audio": "uploads/job1/speech.mp3",
            "pose": { "folder": "uploads/job1/pose/" }
          },
          "settings": { "mode": "accelerated", "steps": 8, "seed": 7, "width": 512, "height": 640, "fps": 25, "precision": "bf16" },
          "output": { "name": "hello.mp4" },
          "webhook": { "url": "https://hooks.example.com/echo" },
          "metadata": { "customer": "acme", "order": "42" },
          "idempotencyKey": "order-42"
        }
        """;
}
