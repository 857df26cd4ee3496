using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Engine;
using Vigil.Monitoring.Config;
using Vigil.Server.Monitors;

namespace Vigil.Server;

/// <summary>The two dashboard endpoints that read one model's rows in a window (scope read; docs/dashboard.md):
/// <c>GET /v1/models/{model}/evaluation</c> (<c>vigil evaluate</c> on the window's labelled rows, its JSON document) and
/// <c>GET /v1/models/{model}/quality</c> (the window's data-quality findings, <see cref="WindowQuality"/>). The window is
/// <c>window</c> or <c>from</c>/<c>to</c>, parsed by <see cref="TimeWindow"/>.</summary>
public sealed partial class VigilServer
{
    private void MapWindowData(IEndpointRouteBuilder app)
    {
        var models = RequireScope(app.MapGroup("/v1/models"), Scope.Read);
        models.MapGet("/{model}/evaluation", (HttpContext ctx, string model) => OnWindow(ctx, model, (m, w) =>
        {
            var version = ctx.Request.Query["version"].ToString();
            var result = _windows.EvaluateWindow(m, w.From, w.To, version.Length == 0 ? null : version);
            return result is null
                ? Results.Json(new EvaluationEmptyJson(0, version.Length == 0 ? "no labelled predictions in this window" : $"no labelled predictions of version '{version}' in this window"), Wire.Of<EvaluationEmptyJson>())
                : Results.Text(Reports.JsonReport.ToJson(result), "application/json; charset=utf-8");
        }));
        models.MapGet("/{model}/quality", (HttpContext ctx, string model) => OnWindow(ctx, model, (m, w) =>
            Results.Json(new WindowQuality(_store, _windows).Run(m, w.From, w.To), Wire.Of<QualityJson>())));
    }

    /// <summary>Runs <paramref name="answer"/> on the model and the query's window: 404 for an unknown model, 400 for a bad
    /// window or a window the analysis refuses, 503 when the store cannot answer now.</summary>
    private IResult OnWindow(HttpContext ctx, string model, Func<ModelConfig, TimeWindow, IResult> answer)
    {
        if (_config.Model(model) is not { } m) return NotFound(model);
        var (window, error) = TimeWindow.Parse(ctx.Request.Query, DateTime.UtcNow);
        if (window is null) return Error(400, error!);
        try
        {
            return answer(m, window);
        }
        catch (VigilInputException e)
        {
            return Error(400, e.Message.Split('\n')[0]);
        }
        catch (Exception e) when (_store.IsStoreError(e))
        {
            _log($"the store could not answer a window query on '{model}': {e.Message.Split('\n')[0]}");
            return Error(503, "the store cannot answer now; try again");
        }
    }
}
