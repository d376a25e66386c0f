using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EchoMimic.Functions.Api;

/// <summary>
/// GET /openapi.json: the OpenAPI 3.0 description of the API (the same routes and bodies as
/// <c>echomimic serve</c>). Written out here because the Functions worker has no endpoint metadata to generate it
/// from; a test checks that every HTTP function's route and method is described.
/// </summary>
public sealed class OpenApiFunction
{
    [Function("OpenApi")]
    public IActionResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        new ContentResult { Content = Document.ToJsonString(), ContentType = "application/json", StatusCode = 200 };

    public static JsonObject Document { get; } = Build();

    private static JsonObject Build()
    {
        static JsonObject Ref(string schema) => new() { ["$ref"] = $"#/components/schemas/{schema}" };
        static JsonObject Json(JsonObject schema) => new() { ["application/json"] = new JsonObject { ["schema"] = schema } };
        static JsonObject Response(string description, string schema) =>
            new() { ["description"] = description, ["content"] = Json(Ref(schema)) };
        static JsonObject PathParameter(string name) => new()
        {
            ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" },
        };
        static JsonObject QueryParameter(string name, string type) => new()
        {
            ["name"] = name, ["in"] = "query", ["required"] = false, ["schema"] = new JsonObject { ["type"] = type },
        };

        var bad = Response("invalid input: names the input and the problem", "Error");
        var missing = Response("no such job or campaign", "Error");
        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject
            {
                ["title"] = "EchoMimic Cloud API",
                ["version"] = "1",
                ["description"] = "Render jobs and campaigns. Job specs follow core/EchoMimic.Core/Schemas/render-job.schema.json.",
            },
            ["paths"] = new JsonObject
            {
                ["/jobs"] = new JsonObject
                {
                    ["post"] = new JsonObject
                    {
                        ["operationId"] = "SubmitJob",
                        ["summary"] = "Submit a render job (idempotent with idempotencyKey)",
                        ["requestBody"] = new JsonObject { ["required"] = true, ["content"] = Json(Ref("RenderJobSpec")) },
                        ["responses"] = new JsonObject
                        {
                            ["202"] = Response("job started", "Submitted"),
                            ["200"] = Response("a job with this idempotency key exists", "Submitted"),
                            ["400"] = bad.DeepClone(),
                        },
                    },
                    ["get"] = new JsonObject
                    {
                        ["operationId"] = "ListJobs",
                        ["summary"] = "Jobs, newest first",
                        ["parameters"] = new JsonArray(QueryParameter("campaign", "string"), QueryParameter("max", "integer")),
                        ["responses"] = new JsonObject { ["200"] = Response("jobs", "JobList"), ["400"] = bad.DeepClone() },
                    },
                },
                ["/jobs/{jobId}"] = new JsonObject
                {
                    ["get"] = new JsonObject
                    {
                        ["operationId"] = "GetJob",
                        ["summary"] = "Status, phase, k of N segments, and the outcome when done",
                        ["parameters"] = new JsonArray(PathParameter("jobId")),
                        ["responses"] = new JsonObject { ["200"] = Response("status", "JobStatus"), ["404"] = missing.DeepClone() },
                    },
                },
                ["/jobs/{jobId}/cancel"] = new JsonObject
                {
                    ["post"] = new JsonObject
                    {
                        ["operationId"] = "CancelJob",
                        ["summary"] = "Cancel a running job",
                        ["parameters"] = new JsonArray(PathParameter("jobId"), QueryParameter("reason", "string")),
                        ["responses"] = new JsonObject
                        {
                            ["202"] = Response("cancellation requested", "Submitted"),
                            ["404"] = missing.DeepClone(),
                            ["409"] = Response("the job has already ended", "Error"),
                        },
                    },
                },
                ["/campaigns"] = new JsonObject
                {
                    ["post"] = new JsonObject
                    {
                        ["operationId"] = "SubmitCampaign",
                        ["summary"] = "Start a campaign from a CSV or JSONL manifest (one job per row)",
                        ["requestBody"] = new JsonObject
                        {
                            ["required"] = true,
                            ["content"] = new JsonObject
                            {
                                ["application/json"] = new JsonObject { ["schema"] = Ref("CampaignSubmission") },
                                ["text/csv"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } },
                                ["application/x-ndjson"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } },
                            },
                        },
                        ["responses"] = new JsonObject
                        {
                            ["202"] = Response("campaign started", "Submitted"),
                            ["200"] = Response("a campaign with this id exists", "Submitted"),
                            ["400"] = bad.DeepClone(),
                        },
                    },
                },
                ["/campaigns/{campaignId}"] = new JsonObject
                {
                    ["get"] = new JsonObject
                    {
                        ["operationId"] = "GetCampaign",
                        ["summary"] = "Per-row progress and results",
                        ["parameters"] = new JsonArray(PathParameter("campaignId")),
                        ["responses"] = new JsonObject { ["200"] = Response("status", "CampaignStatus"), ["404"] = missing.DeepClone() },
                    },
                },
                ["/openapi.json"] = new JsonObject
                {
                    ["get"] = new JsonObject
                    {
                        ["operationId"] = "OpenApi",
                        ["summary"] = "This document",
                        ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OpenAPI 3.0 document" } },
                    },
                },
            },
            ["components"] = new JsonObject
            {
                ["schemas"] = new JsonObject
                {
                    ["RenderJobSpec"] = new JsonObject { ["type"] = "object", ["description"] = "render-job.schema.json" },
                    ["Submitted"] = Object(("id", "string"), ("created", "boolean"), ("statusUrl", "string")),
                    ["Error"] = Object(("error", "string"), ("input", "string")),
                    ["JobStatus"] = Object(("jobId", "string"), ("runtimeStatus", "string"), ("progress", "object"),
                        ("outcome", "object"), ("createdAt", "string"), ("lastUpdatedAt", "string")),
                    ["JobList"] = Object(("jobs", "array")),
                    ["CampaignSubmission"] = Object(("manifest", "string"), ("format", "string"), ("defaults", "object"),
                        ("webhookUrl", "string"), ("maxConcurrentRows", "integer"), ("campaignId", "string")),
                    ["CampaignStatus"] = Object(("campaignId", "string"), ("runtimeStatus", "string"), ("progress", "object"),
                        ("outcome", "object")),
                },
            },
        };
    }

    private static JsonObject Object(params (string Name, string Type)[] properties)
    {
        var members = new JsonObject();
        foreach (var (name, type) in properties)
        {
            members[name] = type == "array"
                ? new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object" } }
                : new JsonObject { ["type"] = type };
        }

        return new JsonObject { ["type"] = "object", ["properties"] = members };
    }
}
