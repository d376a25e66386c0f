using EchoMimic.Functions.Api;
using EchoMimic.Orchestration.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using NSubstitute;
using static EchoMimic.Functions.Tests.Fakes;

namespace EchoMimic.Functions.Tests;

/// <summary>
/// App settings that give every job options it could never run with (here: zero attempts per segment) make
/// POST /jobs answer 400 naming the setting, and nothing is scheduled or indexed.
/// </summary>
public sealed class IntakeOptionsApiTests
{
    [Fact]
    public async Task Submit_with_unusable_job_options_is_400_and_starts_nothing()
    {
        var index = Index();
        var client = Client();
        var settings = Options.Create(new EchoMimicSettings { SegmentMaxAttempts = 0 });
        var api = new JobsApi(Starter(index), index, settings);

        var result = Assert.IsType<ObjectResult>(await api.Submit(Request("POST", ValidJobJson), client, Ct));

        Assert.Equal(400, result.StatusCode);
        var error = Assert.IsType<ErrorResponse>(result.Value);
        Assert.Equal(("max attempts", "must be at least 1, got 0"), (error.Input, error.Error));
        await client.DidNotReceiveWithAnyArgs().ScheduleNewOrchestrationInstanceAsync(default, default, default, Ct);
        Assert.Empty(await index.ListAsync(null, 10, Ct).ToListAsync(Ct));
    }
}
