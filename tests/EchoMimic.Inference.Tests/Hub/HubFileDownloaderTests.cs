using EchoMimic.Core;
using EchoMimic.Inference.Hub;

namespace EchoMimic.Inference.Tests.Hub;

/// <summary>
/// <see cref="HubFileDownloader"/> against <see cref="LocalHubServer"/> on 127.0.0.1: redirects to the CDN, Range
/// resumes (within a run and from a <c>.part</c> an earlier run left), checksums, errors naming the file and the fix.
/// </summary>
public sealed class HubFileDownloaderTests : IAsyncLifetime
{
    private const string Repo = "BadToBest/EchoMimicV2";
    private readonly LocalHubServer _server = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("hub-download-").FullName;
    private readonly byte[] _bytes = RandomBytes(300_000, seed: 7);

    private static readonly HubDownloadOptions NoWait = new() { RetryDelay = TimeSpan.Zero, ReportEveryBytes = 10_000 };

    [Fact]
    public async Task Lfs_file_is_fetched_through_the_cdn_redirect_and_verified_against_X_Linked_Etag()
    {
        var cdnPath = _server.AddLfs(Repo, "pose_encoder.pth", _bytes);
        var result = await Download(File(Repo, "pose_encoder.pth"));

        Assert.Equal(DownloadOutcome.Downloaded, result.Outcome);
        Assert.Equal(LocalHubServer.Sha256(_bytes), result.VerifiedSha256);
        Assert.Equal(_bytes, System.IO.File.ReadAllBytes(Path.Combine(_dir, "pose_encoder.pth")));
        Assert.Single(_server.Gets(cdnPath));
        Assert.False(System.IO.File.Exists(Path.Combine(_dir, "pose_encoder.pth.part")));
    }

    [Fact]
    public async Task A_transfer_cut_off_mid_file_resumes_with_a_range_request_and_ends_with_the_right_bytes()
    {
        var cdnPath = _server.AddLfs(Repo, "reference_unet.pth", _bytes);
        _server.CutFirstTransfer(cdnPath, 120_000);
        var reports = new List<DownloadProgress>();

        var result = await Download(File(Repo, "reference_unet.pth"), new Inline(reports.Add));

        var gets = _server.Gets(cdnPath).ToList();
        Assert.Equal(2, gets.Count);
        Assert.Null(gets[0].Range);
        Assert.NotNull(gets[1].Range);
        var resumedAt = long.Parse(gets[1].Range!["bytes=".Length..^1]);
        Assert.InRange(resumedAt, 1, 120_000);
        Assert.Contains(reports, r => r.Stage == DownloadStage.Retrying);
        Assert.Contains(reports, r => r.Stage == DownloadStage.Receiving && r.ResumedFrom == resumedAt);
        Assert.Equal(DownloadOutcome.Resumed, result.Outcome);
        Assert.Equal(_bytes, System.IO.File.ReadAllBytes(Path.Combine(_dir, "reference_unet.pth")));
    }

    [Fact]
    public async Task A_part_file_left_by_an_earlier_run_is_continued_from_its_length()
    {
        var cdnPath = _server.AddLfs(Repo, "motion_module.pth", _bytes);
        System.IO.File.WriteAllBytes(Path.Combine(_dir, "motion_module.pth.part"), _bytes[..50_000]);

        var result = await Download(File(Repo, "motion_module.pth"));

        Assert.Equal("bytes=50000-", Assert.Single(_server.Gets(cdnPath)).Range);
        Assert.Equal(DownloadOutcome.Resumed, result.Outcome);
        Assert.Equal(_bytes, System.IO.File.ReadAllBytes(Path.Combine(_dir, "motion_module.pth")));
    }

    [Fact]
    public async Task A_stale_part_file_that_fails_the_checksum_is_dropped_and_the_file_fetched_again_from_byte_0()
    {
        var cdnPath = _server.AddLfs(Repo, "motion_module.pth", _bytes);
        System.IO.File.WriteAllBytes(Path.Combine(_dir, "motion_module.pth.part"), RandomBytes(50_000, seed: 99));

        var result = await Download(File(Repo, "motion_module.pth"));

        Assert.Equal(["bytes=50000-", null], _server.Gets(cdnPath).Select(g => g.Range));
        Assert.Equal(DownloadOutcome.Downloaded, result.Outcome);
        Assert.Equal(_bytes, System.IO.File.ReadAllBytes(Path.Combine(_dir, "motion_module.pth")));
    }

    [Fact]
    public async Task A_corrupt_copy_fails_its_checksum_and_is_not_left_in_place()
    {
        _server.AddLfs(Repo, "denoising_unet.pth", _bytes, corrupt: true);

        var e = await Assert.ThrowsAsync<PrerequisiteException>(() => Download(File(Repo, "denoising_unet.pth")));

        Assert.Contains("SHA-256", e.Problem, StringComparison.Ordinal);
        Assert.Contains(LocalHubServer.Sha256(_bytes), e.Problem, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(_dir, "denoising_unet.pth"), e.Prerequisite);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task A_missing_file_is_a_404_naming_the_url_and_HF_ENDPOINT_and_leaves_nothing()
    {
        var e = await Assert.ThrowsAsync<PrerequisiteException>(() => Download(File(Repo, "pose_encoder.pth")));

        Assert.Equal(Path.Combine(_dir, "pose_encoder.pth"), e.Prerequisite);
        Assert.Contains("HTTP 404, EntryNotFound", e.Problem, StringComparison.Ordinal);
        Assert.Contains(LocalHubServer.ResolvePath(Repo, "pose_encoder.pth"), e.Problem, StringComparison.Ordinal);
        Assert.Contains("HF_ENDPOINT", e.Fix, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task The_token_goes_to_the_hub_only_and_a_refused_one_names_HF_TOKEN()
    {
        var cdnPath = _server.AddLfs(Repo, "pose_encoder.pth", _bytes);
        _server.RequiredToken = "hf_secret";

        var e = await Assert.ThrowsAsync<PrerequisiteException>(() => Download(File(Repo, "pose_encoder.pth")));
        Assert.Contains("HTTP 401, GatedRepo", e.Problem, StringComparison.Ordinal);
        Assert.Contains("HF_TOKEN", e.Fix, StringComparison.Ordinal);

        await Download(File(Repo, "pose_encoder.pth"), hub: Hub() with { Token = "hf_secret" });
        Assert.All(_server.Requests.Where(r => r.Port == "hub").Skip(1), r => Assert.Equal("Bearer hf_secret", r.Authorization));
        Assert.All(_server.Requests.Where(r => r.Port == "cdn"), r => Assert.Null(r.Authorization));
        Assert.Single(_server.Gets(cdnPath));
    }

    [Fact]
    public async Task A_file_already_in_place_with_the_servers_size_is_not_fetched_again()
    {
        var cdnPath = _server.AddLfs(Repo, "pose_encoder.pth", _bytes);
        await Download(File(Repo, "pose_encoder.pth"));

        var again = await Download(File(Repo, "pose_encoder.pth"));

        Assert.Equal(DownloadOutcome.AlreadyPresent, again.Outcome);
        Assert.Single(_server.Gets(cdnPath));
    }

    [Fact]
    public async Task A_plain_url_is_checked_against_the_sha256_it_carries_as_whispers_download_does()
    {
        var good = _server.AddPlain($"/main/whisper/models/{LocalHubServer.Sha256(_bytes)}/tiny.pt", _bytes);
        var bad = _server.AddPlain($"/bad/whisper/models/{LocalHubServer.Sha256(_bytes)}/tiny.pt", RandomBytes(_bytes.Length, seed: 3));
        var hub = Hub() with { WhisperTinyUrl = good };

        var result = await Download(WhisperFile(good), hub: hub);
        Assert.Equal(LocalHubServer.Sha256(_bytes), result.VerifiedSha256);
        Assert.Equal(_bytes, System.IO.File.ReadAllBytes(Path.Combine(_dir, "audio_processor", "tiny.pt")));

        System.IO.File.Delete(Path.Combine(_dir, "audio_processor", "tiny.pt"));
        var e = await Assert.ThrowsAsync<PrerequisiteException>(() => Download(WhisperFile(bad), hub: hub with { WhisperTinyUrl = bad }));
        Assert.Contains("does not match", e.Problem, StringComparison.Ordinal);
        Assert.Contains(HubSettings.WhisperTinyUrlVariable, e.Fix, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_dir, "audio_processor")));
    }

    [Fact]
    public async Task An_unreachable_endpoint_names_the_address_and_HF_ENDPOINT()
    {
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var hub = HubSettings.Default with { Endpoint = new Uri($"http://127.0.0.1:{port}") };

        var e = await Assert.ThrowsAsync<PrerequisiteException>(() => Download(OfficialFile(hub, "pose_encoder.pth"), hub: hub));

        Assert.Contains($"cannot reach http://127.0.0.1:{port}", e.Problem, StringComparison.Ordinal);
        Assert.Contains("HF_ENDPOINT", e.Fix, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public void The_official_whisper_url_carries_the_sha256_the_weights_manifest_records()
    {
        var manifest = EchoMimic.Inference.Checkpoints.WeightsManifest.Load("whisper_tiny");
        Assert.Equal(manifest.Document.GetProperty("checkpoint_sha256").GetString(), OfficialWeightFiles.WhisperSha256(HubSettings.OfficialWhisperTinyUrl));
    }

    private HubSettings Hub() => HubSettings.Default with { Endpoint = _server.Endpoint };

    private RemoteWeightFile File(string repo, string path) => new(path, Hub().Resolve(repo, path), repo);

    private static RemoteWeightFile WhisperFile(Uri url) => new("audio_processor/tiny.pt", url, null, OfficialWeightFiles.WhisperSha256(url));

    private static RemoteWeightFile OfficialFile(HubSettings hub, string path) =>
        OfficialWeightFiles.For(hub, accelerated: false, dwpose: false).Single(f => f.RelativePath == path);

    private async Task<DownloadResult> Download(RemoteWeightFile file, IProgress<DownloadProgress>? progress = null, HubSettings? hub = null)
    {
        using var downloader = new HubFileDownloader(hub ?? Hub(), NoWait);
        return await downloader.DownloadAsync(file, _dir, progress, TestContext.Current.CancellationToken);
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private sealed class Inline(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
