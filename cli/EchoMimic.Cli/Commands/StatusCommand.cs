using System.CommandLine;
using EchoMimic.Cli.Serve;

namespace EchoMimic.Cli.Commands;

/// <summary>
/// <c>echomimic status [JOB] [--api URL] [--watch]</c>: one job's status (with --watch a progress bar until it ends),
/// or the job list. Exit codes: 0, or 1 when the job has failed or was canceled; 2 for an unknown job or an
/// unreachable server.
/// </summary>
public sealed class StatusCommand : ICliCommand
{
    public Command Build()
    {
        var job = new Argument<string?>("job") { Description = "job id (omit to list recent jobs)", Arity = ArgumentArity.ZeroOrOne };
        var api = new Option<string>("--api") { Description = $"API base address (default {ServeApiClient.DefaultApi})", DefaultValueFactory = _ => ServeApiClient.DefaultApi };
        var watch = new Option<bool>("--watch") { Description = "follow the job until it ends" };
        var command = new Command("status", "a job's status from the serve API, or the list of jobs") { job, api, watch };
        command.SetAction(async (parse, ct) =>
        {
            using var client = new ServeApiClient(ServeApiClient.ParseApi(parse.GetValue(api)!));
            try
            {
                var id = parse.GetValue(job);
                if (id is null)
                {
                    Console.WriteLine((await client.GetAsync("jobs", ct)).ToString());
                    return 0;
                }

                var route = "jobs/" + Uri.EscapeDataString(id);
                var status = parse.GetValue(watch) ? await client.WatchAsync(route, ct) : await client.GetAsync(route, ct);
                Console.WriteLine(status.ToString());
                return SubmitCommand.ReportJob(id, status);
            }
            catch (ServeApiException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
