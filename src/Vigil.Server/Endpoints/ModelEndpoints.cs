using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Monitoring.Config;
using Vigil.Server.Monitors;

namespace Vigil.Server;

/// <summary>The models (scope read): <c>GET /v1/models</c>, <c>/v1/models/{model}</c>, its page and its canary
/// comparison. The views themselves are in VigilServer.Views.cs.</summary>
public sealed partial class VigilServer
{
    private void MapModels(IEndpointRouteBuilder app)
    {
        var models = RequireScope(app.MapGroup("/v1/models"), Scope.Read);
        models.MapGet("/{model}/canary", (HttpContext ctx, string model) =>
        {
            if (_config.Model(model) is not { } m) return NotFound(model);
            return Canary.Compare(_windows, m, ctx.Request.Query, DateTime.UtcNow) is var (status, body) ? Results.Json(body, Json, statusCode: status) : Results.Empty;
        });
        models.MapGet("", () => Results.Json(new ModelListJson(_config.Models.Select(ModelView).ToList()), Wire.Of<ModelListJson>()));
        models.MapGet("/{model}/page", (string model) =>
            _config.Model(model) is { } m ? Results.Content(Reports.Html.ServiceModelHtml.Render(Page(m)), "text/html; charset=utf-8") : NotFound(model));
        models.MapGet("/{model}", (string model) => _config.Model(model) is { } m ? Results.Json(ModelView(m), Wire.Of<ModelJson>()) : NotFound(model));
    }
}
