using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Monitoring.Config;

namespace Vigil.Server;

/// <summary>Silences: <c>GET /v1/silences</c> (scope read), <c>POST /v1/silences</c> and <c>DELETE /v1/silences/{id}</c>
/// (scope admin); the request's parsing and the views are in VigilServer.Silences.cs.</summary>
public sealed partial class VigilServer
{
    private void MapSilences(IEndpointRouteBuilder app)
    {
        var silences = app.MapGroup("/v1/silences");
        RequireScope(silences.MapGet("", () =>
        {
            var now = DateTime.UtcNow;
            return Results.Json(new SilenceListJson(_monitors.Silences.All.OrderByDescending(s => s.Id).Select(s => SilenceView(s, now)).ToList()), Wire.Of<SilenceListJson>());
        }), Scope.Read);
        RequireScope(silences.MapPost("", async (HttpContext ctx) =>
        {
            JsonElement body;
            try
            {
                using var doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted).ConfigureAwait(false);
                body = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                return Error(400, "the body is not JSON; expected e.g. {\"model\": \"fraud\", \"monitor\": \"amount-drift\", \"duration\": \"2h\", \"comment\": \"...\"}");
            }
            var now = DateTime.UtcNow;
            var (silence, error) = ParseSilence(body, now);
            if (error is not null) return Error(400, error);
            var made = _monitors.Silences.Add(silence!.Value.Model, silence.Value.Monitor, silence.Value.StartsAt, silence.Value.EndsAt,
                KeyOf(ctx, out _)?.Name ?? "unknown", silence.Value.Comment);
            return Results.Json(SilenceView(made, now), Wire.Of<SilenceJson>(), statusCode: 201);
        }), Scope.Admin);
        RequireScope(silences.MapDelete("/{id:int}", (int id) =>
        {
            var now = DateTime.UtcNow;
            return _monitors.Silences.Expire(id, now) is { } s ? Results.Json(SilenceView(s, now), Wire.Of<SilenceJson>()) : Error(404, $"no silence {id}");
        }), Scope.Admin);
    }
}
