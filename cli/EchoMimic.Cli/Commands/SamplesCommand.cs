using System.CommandLine;
using EchoMimic.Inference;
using EchoMimic.Core.Media;
using EchoMimic.Inference.Media;
using EchoMimic.Inference.Samples;

namespace EchoMimic.Cli.Commands;

/// <summary><c>echomimic samples make [--out DIR]</c>: regenerates the project's own demo inputs (portrait, speech, gestures).</summary>
public sealed class SamplesCommand : ICliCommand
{
    public Command Build()
    {
        var output = new Option<string?>("--out") { Description = "folder to write (default: samples/ of the repository)" };
        var noSpeech = new Option<bool>("--no-speech") { Description = "skip the speech clip (needs espeak-ng and ffmpeg)" };
        var make = new Command("make", "draw the portrait, synthesise the speech and generate the gestures") { output, noSpeech };
        make.SetAction(parse =>
        {
            var folder = Path.GetFullPath(parse.GetValue(output) ?? Path.Combine(RepositoryRoot.Find() ?? Directory.GetCurrentDirectory(), "samples"));
            WritableOutput.Folder(folder);
            if (!parse.GetValue(noSpeech))
            {
                // The speech clip needs both tools: a missing one stops the command before anything is written.
                _ = MediaTools.EspeakNg;
                _ = MediaTools.Ffmpeg;
            }

            BundledSamples.Make(folder, speech: !parse.GetValue(noSpeech));
            Console.WriteLine($"samples written to {folder}: {BundledSamples.PortraitFile}, {BundledSamples.SpeechFile}, {BundledSamples.GesturesFolder}/{{{string.Join(",", GestureLibrary.Names)}}}");
            return 0;
        });
        return new Command("samples", "the project's own demo inputs") { make };
    }
}
