using System.Text;
using System.Text.Json.Nodes;

namespace EchoMimic.Cli.Tests.BadInput;

/// <summary>
/// Malformed job specs (job.json / POST /jobs bodies) and campaign manifests (CSV / JSONL), written as files. Every
/// spec starts from one valid spec and breaks one thing.
/// </summary>
internal static class SpecInputs
{
    public const string ValidSpec = """{"schemaVersion":1,"inputs":{"reference":"uploads/acme/job-1/ref.png","audio":"uploads/acme/job-1/speech.wav","pose":{"gesture":"fight"}},"settings":{"mode":"accelerated"}}""";

    private static readonly string[] StringFields = ["inputs.reference", "inputs.audio", "inputs.pose.gesture", "settings.mode", "output.name", "webhook.url", "idempotencyKey"];
    private static readonly string[] NumberFields = ["schemaVersion", "settings.steps", "settings.cfg", "settings.seed", "settings.width", "settings.height", "settings.fps"];
    private static readonly string[] ObjectFields = ["inputs", "inputs.pose", "settings", "output", "webhook", "metadata"];

    public static IEnumerable<BadInput> JobSpecs(string folder)
    {
        var n = 0;
        BadInput Spec(string name, string text, string? accepted = null) => Write(folder, $"spec-{n++:D3}.json", name, InputKind.JobSpec, text, accepted);

        // Broken JSON.
        foreach (var text in new[] { "", " ", "null", "true", "[]", "42", "\"job\"", "{", "}", "{]", "[{}]", "{} {}", "//only a comment", "{'schemaVersion':1}",
                     "{\"schemaVersion\":1,}", "{\"schemaVersion\":NaN}", "{schemaVersion:1}", "\u0000\u0001\u0002" })
            yield return Spec($"broken JSON '{Escape(text)}'", text);
        foreach (var cut in new[] { 1, 15, 40, 80, 120, ValidSpec.Length - 2, ValidSpec.Length - 1 })
            yield return Spec($"valid spec truncated to {cut} characters", ValidSpec[..cut]);
        yield return Spec("binary garbage", Raw(Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray()));

        // Wrong types: every field given a value of another JSON type.
        foreach (var field in StringFields)
            foreach (var value in new JsonNode?[] { 1, true, new JsonArray(), new JsonObject() })
                yield return Spec($"{field} = {Show(value)} (a string is expected)", With(field, value));
        foreach (var field in NumberFields)
            foreach (var value in new JsonNode?[] { "12", true, new JsonArray(), new JsonObject() })
                yield return Spec($"{field} = {Show(value)} (a number is expected)", With(field, value));
        foreach (var field in ObjectFields)
            foreach (var value in new JsonNode?[] { 1, "x", true, new JsonArray() })
                yield return Spec($"{field} = {Show(value)} (an object is expected)", With(field, value));

        // Out-of-range and huge values (raw JSON numbers, so values beyond double and long reach the reader as written).
        foreach (var (field, raw) in new[]
                 {
                     ("schemaVersion", "0"), ("schemaVersion", "2"), ("schemaVersion", "-1"), ("schemaVersion", "1.5"), ("schemaVersion", "1e400"),
                     ("settings.steps", "0"), ("settings.steps", "-1"), ("settings.steps", "201"), ("settings.steps", "2.5"), ("settings.steps", "1e9"),
                     ("settings.steps", "99999999999999999999999"), ("settings.cfg", "-1"), ("settings.cfg", "1e308"), ("settings.cfg", "1e400"),
                     ("settings.seed", "-1"), ("settings.seed", "18446744073709551616"), ("settings.seed", "1e30"), ("settings.seed", "0.5"),
                     ("settings.width", "0"), ("settings.width", "7"), ("settings.width", "100"), ("settings.width", "-768"), ("settings.width", "65536"),
                     ("settings.width", "1000000000000"), ("settings.height", "0"), ("settings.height", "12"), ("settings.height", "99999"),
                     ("settings.fps", "0"), ("settings.fps", "-24"), ("settings.fps", "100000"), ("settings.fps", "1e308"),
                 })
            yield return Spec($"{field} = {raw}", WithRaw(field, raw));
        yield return Spec("metadata with 33 entries (the limit is 32)",
            With("metadata", new JsonObject(Enumerable.Range(0, 33).Select(i => KeyValuePair.Create($"k{i}", (JsonNode?)"v")))));

        // Unknown fields at every level.
        foreach (var field in new[] { "sed", "inputs.refrence", "inputs.pose.extra", "settings.sed", "output.path", "webhook.secret", "__proto__", "$schema" })
            yield return Spec($"unknown field {field}", With(field == "webhook.secret" ? "webhook" : field,
                field == "webhook.secret" ? new JsonObject { ["url"] = "https://example.com/h", ["secret"] = "s" } : field == "output.path" ? "x" : "1"));

        // Blob names that leave the uploads container, point at the machine's files, or are not plain paths.
        foreach (var path in new[]
                 {
                     "../ref.png", "uploads/../../etc/passwd.png", "uploads/acme/../../outputs/x.png", "/etc/ref.png", "/uploads/acme/ref.png",
                     "C:\\Windows\\ref.png", "\\\\server\\share\\ref.png", "uploads\\acme\\..\\..\\ref.png", "file:///etc/ref.png",
                     "https://evil.example/ref.png", "uploads/acme/%2e%2e/%2e%2e/ref.png", "uploads/./acme/ref.png", "uploads//acme/ref.png",
                     "~/ref.png", "outputs/acme/ref.png", "uploads/", "uploads/acme/ref.png/..", "uploads/acme/.png",
                 })
            yield return Spec($"inputs.reference = '{path}'", With("inputs.reference", path));
        foreach (var path in new[] { "../speech.wav", "/tmp/speech.wav", "uploads/a/../../../speech.wav", "uploads/a/speech.wav.exe" })
            yield return Spec($"inputs.audio = '{path}'", With("inputs.audio", path));
        foreach (var path in new[] { "../poses", "/etc", "uploads/a/../../x", "uploads" })
            yield return Spec($"inputs.pose.folder = '{path}'", With("inputs.pose", new JsonObject { ["folder"] = path }));
        foreach (var name in new[] { "../video.mp4", "/tmp/video.mp4", "a/video.mp4", "video.mp4\n", "..mp4x", "video.exe", ".mp4" })
            yield return Spec($"output.name = '{Escape(name)}'", With("output", new JsonObject { ["name"] = name }));

        // Control characters and long Unicode.
        foreach (var c in new[] { "\u0000", "\u0001", "\n", "\r", "\u007f", "\u202e", "\t" })
            yield return Spec($"inputs.reference with U+{(int)c[0]:X4}", With("inputs.reference", $"uploads/acme/re{c}f.png"));
        yield return Spec("idempotencyKey with a NUL", With("idempotencyKey", "order\u000017"));
        yield return Spec("idempotencyKey of 100,000 emoji", With("idempotencyKey", string.Concat(Enumerable.Repeat("\U0001F600", 100_000))));
        yield return Spec("gesture of 10,000 characters", With("inputs.pose.gesture", new string('a', 10_000)));
        yield return Spec("gesture in full-width letters", With("inputs.pose.gesture", "ｆｉｇｈｔ"));
        yield return Spec("metadata key of 5,000 characters", With("metadata", new JsonObject { [new string('k', 5000)] = "v" }));
        yield return Spec("metadata value of 100,000 CJK characters", With("metadata", new JsonObject { ["note"] = new string('漢', 100_000) }));
        yield return Spec("reference with a lone surrogate escape", ValidSpec.Replace("ref.png", "re\\ud800f.png", StringComparison.Ordinal));
        yield return Spec("gesture with a lone low surrogate escape", ValidSpec.Replace("fight", "fi\\udc00ght", StringComparison.Ordinal));
        yield return Spec("metadata value with a lone surrogate escape", WithRaw("metadata", "{\"note\":\"a\\ud83db\"}"));
        yield return Spec("output name in Unicode letters", With("output", new JsonObject { ["name"] = "vidéo.mp4" }));

        // Duplicate keys: which value wins differs between JSON readers, so the spec is ambiguous.
        yield return Spec("schemaVersion twice", ValidSpec.Replace("{\"schemaVersion\":1,", "{\"schemaVersion\":1,\"schemaVersion\":1,", StringComparison.Ordinal));
        yield return Spec("settings.mode twice", ValidSpec.Replace("\"mode\":\"accelerated\"", "\"mode\":\"accelerated\",\"mode\":\"standard\"", StringComparison.Ordinal));
        yield return Spec("inputs.reference twice", ValidSpec.Replace("\"reference\":", "\"reference\":\"uploads/x/a.png\",\"reference\":", StringComparison.Ordinal));
        yield return Spec("inputs twice", ValidSpec.Replace("\"settings\":", "\"inputs\":{},\"settings\":", StringComparison.Ordinal));
        yield return Spec("metadata key twice", WithRaw("metadata", "{\"a\":\"1\",\"a\":\"2\"}"));

        // 10 MB bodies.
        const int TenMb = 10 << 20;
        yield return Spec("valid spec after 10 MB of spaces", new string(' ', TenMb) + ValidSpec);
        yield return Spec("valid spec followed by 10 MB of newlines", ValidSpec + new string('\n', TenMb));
        yield return Spec("metadata value of 10 MB", With("metadata", new JsonObject { ["blob"] = new string('x', TenMb) }));
        yield return Spec("idempotencyKey of 10 MB", With("idempotencyKey", new string('k', TenMb)));
        yield return Spec("10 MB of nested arrays", new string('[', TenMb));
        yield return Spec("10 MB of digits", new string('7', TenMb));
    }

    public static IEnumerable<BadInput> Manifests(string folder)
    {
        var n = 0;
        BadInput Csv(string name, string text, string? accepted = null) => Write(folder, $"manifest-{n++:D3}.csv", name, InputKind.CsvManifest, text, accepted);
        BadInput Jsonl(string name, string text, string? accepted = null) => Write(folder, $"manifest-{n++:D3}.jsonl", name, InputKind.JsonlManifest, text, accepted);
        const string Header = "id,reference,audio,gesture\n";
        static string Row(string id) => $"{id},uploads/c/{id}.png,uploads/c/{id}.wav,fight\n";

        yield return Csv("empty file", "");
        yield return Csv("only a BOM", "\uFEFF");
        yield return Csv("header only", Header);
        yield return Csv("blank lines only", "\n\n\r\n");
        yield return Csv("BOM before the header", "\uFEFF" + Header + Row("a1"), "a UTF-8 BOM is how spreadsheet programs save CSV; it is skipped");
        yield return Csv("CRLF line ends", (Header + Row("a1") + Row("a2")).Replace("\n", "\r\n", StringComparison.Ordinal), "Windows line ends are ordinary CSV (RFC 4180 uses CRLF)");
        yield return Csv("quoted fields with commas and doubled quotes", Header.TrimEnd('\n') + ",metadata.note\n" + "a1,uploads/c/a1.png,\"uploads/c/a1.wav\",fight,\"say \"\"hi\"\", then go\"\n",
            "RFC 4180 quoting: a quoted field may hold commas and doubled quotes");
        yield return Csv("quoted field holding a newline", Header.TrimEnd('\n') + ",metadata.note\n" + "a1,uploads/c/a1.png,uploads/c/a1.wav,fight,\"line one\nline two\"\n",
            "RFC 4180: a quoted field may span lines");
        yield return Csv("unterminated quote", Header + "a1,\"uploads/c/a1.png,uploads/c/a1.wav,fight\n");
        yield return Csv("quote inside an unquoted field", Header + "a1,uploads/c/a\"1.png,uploads/c/a1.wav,fight\n");
        yield return Csv("text after a closing quote", Header + "a1,\"uploads/c/a1.png\"x,uploads/c/a1.wav,fight\n");
        yield return Csv("row with an extra column", Header + Row("a1").TrimEnd('\n') + ",surplus\n");
        yield return Csv("row with a missing column", Header + "a1,uploads/c/a1.png,uploads/c/a1.wav\n");
        yield return Csv("row with only an id", Header + "a1\n");
        yield return Csv("empty row between rows", Header + Row("a1") + ",,,\n" + Row("a2"));
        yield return Csv("blank line between rows", Header + Row("a1") + "\n" + Row("a2"), "a blank line is no row (spreadsheets leave them at the end)");
        yield return Csv("duplicate row ids", Header + Row("a1") + Row("a1"));
        yield return Csv("duplicate row ids differing in case", Header + Row("a1") + Row("A1"));
        yield return Csv("empty id", Header + Row(""));
        yield return Csv("id with a path", Header + Row("../x"));
        yield return Csv("id of 41 characters", Header + Row(new string('a', 41)));
        yield return Csv("duplicate column", "id,audio,audio,reference,gesture\na1,uploads/c/a.wav,uploads/c/b.wav,uploads/c/a.png,fight\n");
        yield return Csv("unknown column", "id,reference,audio,gesture,colour\n" + Row("a1").TrimEnd('\n') + ",red\n");
        yield return Csv("empty column name", "id,,reference,audio,gesture\na1,x,uploads/c/a.png,uploads/c/a.wav,fight\n");
        yield return Csv("seed that is not a number", Header.TrimEnd('\n') + ",seed\n" + Row("a1").TrimEnd('\n') + ",abc\n");
        yield return Csv("width out of range", Header.TrimEnd('\n') + ",width\n" + Row("a1").TrimEnd('\n') + ",7\n");
        yield return Csv("traversal in a row's reference", Header + "a1,../../etc/passwd.png,uploads/c/a1.wav,fight\n");
        yield return Csv("NUL in a cell", Header + "a1,uploads/c/a\u00001.png,uploads/c/a1.wav,fight\n");
        yield return Csv("binary garbage", Raw(Enumerable.Range(0, 2048).Select(i => (byte)(i * 31 % 256)).ToArray()));
        yield return Csv("10,000 rows", Header + string.Concat(Enumerable.Range(1, 10_000).Select(i => Row($"r{i}"))),
            "10,000 rows is the documented limit (CampaignManifestReader.MaxRows); every row is validated before anything starts");
        yield return Csv("10,001 rows", Header + string.Concat(Enumerable.Range(1, 10_001).Select(i => Row($"r{i}"))));
        yield return Csv("10,000 rows with a bad last row", Header + string.Concat(Enumerable.Range(1, 9_999).Select(i => Row($"r{i}"))) + "r10000,uploads/c/x.gif,uploads/c/x.wav,fight\n");

        static string Line(string id) => $"{{\"id\":\"{id}\",\"inputs\":{{\"reference\":\"uploads/c/{id}.png\",\"audio\":\"uploads/c/{id}.wav\",\"pose\":{{\"gesture\":\"fight\"}}}}}}\n";
        yield return Jsonl("empty file", "");
        yield return Jsonl("blank lines only", "\n \n\t\n");
        yield return Jsonl("bad line in the middle", Line("a1") + "{\"id\":\"a2\",\"inputs\":\n" + Line("a3"));
        yield return Jsonl("a line that is an array", Line("a1") + "[1,2]\n");
        yield return Jsonl("a line that is a string", Line("a1") + "\"a2\"\n");
        yield return Jsonl("a line that is null", Line("a1") + "null\n");
        yield return Jsonl("two objects on one line", Line("a1").TrimEnd('\n') + Line("a2"));
        yield return Jsonl("duplicate row ids", Line("a1") + Line("a1"));
        yield return Jsonl("duplicate key in a line", "{\"id\":\"a1\",\"id\":\"a2\",\"inputs\":{\"reference\":\"uploads/c/a.png\",\"audio\":\"uploads/c/a.wav\",\"pose\":{\"gesture\":\"fight\"}}}\n");
        yield return Jsonl("id that is a number", Line("a1").Replace("\"a1\"", "17", StringComparison.Ordinal));
        yield return Jsonl("unknown field in a line", Line("a1").Replace("{\"id\"", "{\"colour\":\"red\",\"id\"", StringComparison.Ordinal));
        yield return Jsonl("wrong type in a line", Line("a1").Replace("\"fight\"", "42", StringComparison.Ordinal));
        yield return Jsonl("a line of 10,000 nested arrays", Line("a1") + new string('[', 10_000) + "\n");
        yield return Jsonl("BOM and CRLF", "\uFEFF" + Line("a1").Replace("\n", "\r\n", StringComparison.Ordinal) + Line("a2"),
            "a BOM and CRLF line ends are how Windows tools save text; both are skipped");
        yield return Jsonl("blank lines between rows", Line("a1") + "\n\n" + Line("a2"), "JSON Lines readers skip blank lines");
        yield return Jsonl("10,000 rows with a bad line in the middle",
            string.Concat(Enumerable.Range(1, 5_000).Select(i => Line($"r{i}"))) + "{oops}\n" + string.Concat(Enumerable.Range(5_001, 5_000).Select(i => Line($"r{i}"))));
        yield return Jsonl("invalid UTF-8 bytes", Raw([.. Encoding.UTF8.GetBytes(Line("a1")), 0xff, 0xfe, 0xc3, 0x28, (byte)'\n']));
    }

    private static string With(string field, JsonNode? value)
    {
        var root = JsonNode.Parse(ValidSpec)!.AsObject();
        var parts = field.Split('.');
        var owner = root;
        foreach (var part in parts[..^1])
        {
            if (owner[part] is not JsonObject child)
            {
                child = new JsonObject();
                owner[part] = child;
            }

            owner = child;
        }

        if (field == "inputs.pose.folder") owner.Remove("gesture");
        owner[parts[^1]] = value?.DeepClone();
        return root.ToJsonString();
    }

    /// <summary>Sets a field to raw JSON text (numbers beyond double / long stay as written).</summary>
    private static string WithRaw(string field, string raw)
    {
        const string Marker = "\"@@RAW@@\"";
        return With(field, "@@RAW@@").Replace(Marker, raw, StringComparison.Ordinal);
    }

    private static BadInput Write(string folder, string file, string name, InputKind kind, string text, string? accepted)
    {
        var path = System.IO.Path.Combine(folder, file);
        // "\u0000latin1:" marks text built from raw bytes (the garbage cases): written byte for byte, not as UTF-8.
        File.WriteAllBytes(path, text.StartsWith(RawPrefix, StringComparison.Ordinal) ? Encoding.Latin1.GetBytes(text[RawPrefix.Length..]) : Encoding.UTF8.GetBytes(text));
        return new BadInput(name, kind, path, accepted);
    }

    private const string RawPrefix = "\u0000raw:";

    private static string Raw(byte[] bytes) => RawPrefix + Encoding.Latin1.GetString(bytes);

    private static string Show(JsonNode? value) => value?.ToJsonString() ?? "null";

    private static string Escape(string text) => text.Length > 30 ? text[..30] + "..." : string.Concat(text.Select(c => c < ' ' ? $"\\u{(int)c:X4}" : c.ToString()));
}
