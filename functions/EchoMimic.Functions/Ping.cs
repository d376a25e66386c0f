using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
namespace EchoMimic.Functions;
public sealed class Ping
{
    [Function("Ping")]
    public string Run([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequestData req) => "pong";
}
