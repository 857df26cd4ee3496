using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Engine;
using Vigil.Monitoring.Config;
using Vigil.Server.Ingest;
using Vigil.Server.Metrics;
using Vigil.Server.Monitors;

namespace Vigil.Server;

/// <summary>Ingest (scope ingest): <c>POST /v1/models/{model}/predictions</c> and <c>/labels</c>, a batch stored whole or
/// not at all, durable before 202.</summary>
public sealed partial class VigilServer
{
    private void MapIngest(IEndpointRouteBuilder app)
    {
        var group = RequireScope(app.MapGroup("/v1/models/{model}"), Scope.Ingest);
        group.MapPost("/predictions", (HttpContext ctx, string model) => Ingest(ctx, model, labels: false));
        group.MapPost("/labels", (HttpContext ctx, string model) => Ingest(ctx, model, labels: true));
    }

    private async Task<IResult> Ingest(HttpContext ctx, string model, bool labels)
    {
        if (_config.Model(model) is not { } m) return NotFound(model);
        byte[] body;
        try
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted).ConfigureAwait(false);
            body = ms.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            return Error(413, $"the body is larger than {MaxBodyBytes / (1024 * 1024)} MB; send smaller batches");
        }
        using var parsed = BatchReader.Elements(body, out var parseError);
        var items = parsed.Items;
        if (parseError is not null) return Error(400, parseError);
        if (items.Count == 0) return Error(400, "the batch holds no records");
        if (items.Count > BatchReader.MaxRecords) return Error(413, $"the batch holds {items.Count:N0} records; at most {BatchReader.MaxRecords:N0} per batch");
        var now = DateTime.UtcNow;
        try
        {
            if (labels)
            {
                var (records, bad) = BatchReader.Labels(m, items, now);
                if (bad.Count > 0) return Refused(bad);
                var outcomes = _store.SetLabels(m.Name, records);
                _stats[m.Name].LabelsJoined(outcomes);
                return Results.Json(new LabelsJoinedJson(outcomes.Count, records.Count - outcomes.Count), Wire.Of<LabelsJoinedJson>(), statusCode: 202);
            }
            else
            {
                var (records, bad) = BatchReader.Predictions(m, items, now);
                if (bad.Count > 0) return Refused(bad);
                // An id repeated within the batch counts once; the store leaves ids it already holds alone.
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var unique = records.Where(r => seen.Add(r.Id)).ToList();
                var stored = await _store.InsertAsync(m.Name, unique).ConfigureAwait(false);
                _stats[m.Name].Accepted(unique.Where(r => stored.Contains(r.Id)).Select(r => (r.Version, r.LatencyMs, r.Error, r.Score ?? r.Prediction as double?)));
                return Results.Json(new PredictionsStoredJson(stored.Count, records.Count - stored.Count), Wire.Of<PredictionsStoredJson>(), statusCode: 202);
            }
        }
        catch (Exception e) when (_store.IsStoreError(e))
        {
            return Error(503, $"the store could not take the batch, nothing of it was stored: {e.Message.Split('\n')[0]}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log($"internal error on {ctx.Request.Path}: {e}");
            return Error(500, $"internal error, nothing of the batch was stored: {e.Message.Split('\n')[0]}");
        }
    }

    private static IResult Refused(List<BadRecord> bad) =>
        Error(400, $"batch refused, nothing stored: {bad.Count} bad record{(bad.Count == 1 ? "" : "s")}",
            bad.Take(1000).Select(b => new RecordErrorJson(b.Index, b.Reason)).ToList());
}
