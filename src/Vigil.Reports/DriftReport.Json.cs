using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Vigil.Analysis.Results;
using Vigil.Statistics.Drift;
using SText = Spectre.Console.Text;

namespace Vigil.Reports;

/// <summary>The drift report as JSON (docs/json-schema.md).</summary>
internal static partial class DriftReport
{
    public static string ToJson(DriftResult r) => JsonReport.Render(j =>
    {
        j.WriteStartObject();
        j.WriteString("kind", "drift");
        j.WriteNumber("schema_version", JsonReport.SchemaVersion);
        j.WritePropertyName("reference");
        JsonReport.SourceObject(j, r.Reference);
        j.WritePropertyName("current");
        JsonReport.SourceObject(j, r.Current);
        j.WriteNumber("reference_rows", r.ReferenceRows);
        j.WriteNumber("current_rows", r.CurrentRows);
        Verdict(j, r.Dataset, r.Columns);
        if (r.Chunks is { } chunks)
        {
            j.WriteString("chunk_by", r.ChunkBy);
            j.WriteNumber("rows_without_chunk", r.RowsWithoutChunk);
            j.WriteStartArray("chunks");
            foreach (var ch in chunks)
            {
                j.WriteStartObject();
                j.WriteString("key", ch.Key);
                if (ch.Start is { } st) j.WriteString("start", st.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                else j.WriteNull("start");
                j.WriteNumber("first_row", ch.FirstRow);
                j.WriteNumber("rows", ch.Rows);
                Verdict(j, ch.Dataset, ch.Columns);
                j.WriteEndObject();
            }
            j.WriteEndArray();
        }
        if (r.Multivariate is { } mv)
        {
            j.WriteStartObject("multivariate");
            j.WriteNumber("components", mv.Components);
            JsonReport.Number(j, "explained_variance", mv.ExplainedVariance);
            JsonReport.Number(j, "threshold_lower", mv.ThresholdLower);
            JsonReport.Number(j, "threshold_upper", mv.ThresholdUpper);
            j.WriteStartArray("chunks");
            foreach (var ch in mv.Chunks)
            {
                j.WriteStartObject();
                j.WriteString("key", ch.Key);
                JsonReport.Number(j, "reconstruction_error", ch.ReconstructionError);
                j.WriteBoolean("drifted", ch.Drifted);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        }
        j.WriteEndObject();
    });

    /// <summary>"dataset" and "columns", for the whole data and for each chunk alike.</summary>
    private static void Verdict(System.Text.Json.Utf8JsonWriter j, DatasetDrift d, IReadOnlyList<ColumnDrift> columns)
    {
        Dataset(j, d);
        j.WriteStartArray("columns");
        foreach (var c in columns) Column(j, c);
        j.WriteEndArray();
    }

    private static void Dataset(System.Text.Json.Utf8JsonWriter j, DatasetDrift d)
    {
        j.WriteStartObject("dataset");
        j.WriteBoolean("drifted", d.Drifted);
        JsonReport.Number(j, "share", d.Share);
        j.WriteNumber("drifted_columns", d.DriftedColumns);
        j.WriteNumber("columns", d.Columns);
        JsonReport.Number(j, "drift_share", d.DriftShare);
        j.WriteString("correction", d.Correction);
        j.WriteEndObject();
    }

    private static void Column(System.Text.Json.Utf8JsonWriter j, ColumnDrift c)
    {
        j.WriteStartObject();
        j.WriteString("name", c.Name);
        j.WriteString("role", c.Role);
        j.WriteString("type", Type(c.Type));
        j.WriteString("method", c.Method);
        j.WriteString("reason", c.Reason);
        JsonReport.Number(j, "statistic", c.Result?.Statistic);
        JsonReport.Number(j, "p_value", c.Result?.PValue);
        JsonReport.Number(j, "p_value_adjusted", c.AdjustedPValue);
        JsonReport.Number(j, "threshold", c.Result?.Threshold);
        j.WriteBoolean("drifted", c.Drifted);
        j.WriteNumber("distinct_values", c.DistinctValues);
        j.WriteNumber("reference_missing", c.ReferenceMissing);
        j.WriteNumber("current_missing", c.CurrentMissing);
        j.WriteString("note", c.Note);
        if (c.Approximation is { } a)
        {
            j.WriteStartObject("approximation");
            j.WriteNumber("pooled_buckets", a.PooledBuckets);
            JsonReport.Number(j, "cdf_error", a.CdfError);
            JsonReport.Number(j, "statistic_error", a.StatisticError);
            JsonReport.Number(j, "binned_share_error", a.BinnedShareError);
            j.WriteString("explanation", a.Explanation);
            j.WriteEndObject();
        }
        else j.WriteNull("approximation");
        j.WriteEndObject();
    }
}
