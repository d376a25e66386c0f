using EchoMimic.Functions;
using EchoMimic.Functions.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The Functions isolated worker: HTTP through ASP.NET Core integration, the Azure adapters behind Core's ports,
// OpenTelemetry (Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set, else console).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
var settings = builder.Configuration.GetSection(EchoMimicSettings.Section).Get<EchoMimicSettings>() ?? new EchoMimicSettings();
builder.Services.Configure<EchoMimicSettings>(builder.Configuration.GetSection(EchoMimicSettings.Section));
builder.Services.AddEchoMimicAzure(settings);
builder.Services.AddEchoMimicTelemetry(builder.Configuration);
builder.Build().Run();
