using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Vigil.Server;

/// <summary>Unauthenticated endpoints: <c>/healthz</c>, <c>/readyz</c>, and <c>/openapi.json</c>.</summary>
public sealed partial class VigilServer
{
    private void MapHealth(IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Json(new StatusJson("ok"), Wire.Of<StatusJson>()));
        app.MapGet("/readyz", () => _store.Ready()
            ? Results.Json(new StatusJson("ready"), Wire.Of<StatusJson>())
            : Results.Json(new StatusJson("store unavailable"), Wire.Of<StatusJson>(), statusCode: 503));
        var openApi = OpenApi.Document();
        app.MapGet("/openapi.json", () => Results.Text(openApi, "application/json"));
    }
}
