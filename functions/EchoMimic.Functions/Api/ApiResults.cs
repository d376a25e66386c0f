using EchoMimic.Core;
using EchoMimic.Orchestration.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace EchoMimic.Functions.Api;

/// <summary>The API's response shapes as MVC results (serialized with the web JSON defaults: camelCase).</summary>
internal static class ApiResults
{
    public static ObjectResult Json(int status, object body) => new(body) { StatusCode = status };

    public static ObjectResult BadRequest(InputException e) =>
        Json(StatusCodes.Status400BadRequest, new ErrorResponse(e.Problem, e.Input));

    public static ObjectResult NotFound(string what) =>
        Json(StatusCodes.Status404NotFound, new ErrorResponse($"{what} not found"));

    public static ObjectResult Conflict(string why) => Json(StatusCodes.Status409Conflict, new ErrorResponse(why));

    public static Task<string> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken) =>
        RequestBody.ReadAsync(request.Body, maxBytes, cancellationToken);
}
