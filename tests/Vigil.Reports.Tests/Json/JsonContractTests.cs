using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Analysis.Results;
using Vigil.Reports.Json;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Drift;

namespace Vigil.Reports.Tests.Json;

/// <summary>The JSON is the records serialized: every property of every result record reaches the document (unless
/// the record says [JsonIgnore]), numbers stay exact, and the additions of issue 9 are there.</summary>
public class JsonContractTests
{
    private static JsonElement Parse(object result) => JsonDocument.Parse(JsonReport.ToJson(result)).RootElement;

    private static readonly Type[] Roots = [typeof(EvaluationResult), typeof(SummaryResult), typeof(DriftResult), typeof(ComparisonResult), typeof(SegmentsResult), typeof(ExplanationResult), typeof(EstimationResult), typeof(DiagnosisResult), typeof(FairnessResult), typeof(ReviewResult)];

    /// <summary>Types whose JSON a converter writes (checked by their own tests), not a property per member.</summary>
    private static readonly HashSet<Type> ConverterShaped = [typeof(MetricValue), typeof(Point)];

    /// <summary>Where each record type appears in the fixtures' documents: every object listed is that type's.</summary>
    private static Dictionary<Type, List<JsonElement>> Instances()
    {
        JsonElement[] evals = [Parse(JsonFixtures.WithFindings()), Parse(Fixtures.Multiclass()), Parse(Fixtures.Regression())];
        var summary = Parse(Fixtures.Summary());
        var drift = Parse(JsonFixtures.Drift());
        var cmp = Parse(JsonFixtures.Comparison());
        var segments = Parse(JsonFixtures.Segments());
        var exp = Parse(JsonFixtures.Explanation());
        var dx = Parse(DiagnosisFixtures.Mixed());
        var est = Parse(JsonFixtures.Estimation());
        var estMc = Parse(JsonFixtures.EstimationMulticlass());
        var fair = Parse(FairnessFixtures.Audit());
        var rv = Parse(ReviewFixtures.Failed());
        List<JsonElement> At(IEnumerable<JsonElement> roots, params string[] path)
        {
            var current = roots.ToList();
            foreach (var step in path)
                current = [.. current.SelectMany(e => e.TryGetProperty(step, out var v) ? v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : [v] : Enumerable.Empty<JsonElement>())
                    .Where(v => v.ValueKind == JsonValueKind.Object)];
            return current;
        }
        return new()
        {
            [typeof(EvaluationResult)] = [.. evals],
            [typeof(SourceInfo)] = [.. At(evals, "source"), .. At([summary], "source"), .. At([drift], "reference"), .. At([drift], "current"), .. At([cmp], "source"), .. At([segments], "source"), .. At([exp], "source"), .. At([est], "source"), .. At([fair], "source"), .. At([est], "reference"), .. At([dx], "reference"), .. At([dx], "current"), .. At([rv], "source")],
            [typeof(ColumnRoles)] = [.. At(evals, "columns"), .. At([summary], "columns"), .. At([cmp], "columns"), .. At([segments], "columns"), .. At([exp], "columns"), .. At([est], "columns"), .. At([dx], "columns"), .. At([fair], "columns")],
            [typeof(ComparisonResult)] = [cmp],
            [typeof(SegmentComparison)] = At([cmp], "segments"),
            [typeof(VersionMetrics)] = [.. At([cmp], "segments", "baseline"), .. At([cmp], "segments", "candidate")],
            [typeof(MetricDifference)] = [.. At([cmp], "segments", "difference").SelectMany(d => d.EnumerateObject().Select(p => p.Value))],
            [typeof(ScoreShift)] = At([cmp], "segments", "score_drift"),
            [typeof(FeatureImpactChange)] = [.. At([cmp], "feature_impact"), .. At([exp], "comparison", "changes")],
            [typeof(ExplanationResult)] = [exp],
            [typeof(EstimationResult)] = [est, estMc],
            [typeof(ClassCalibrationInfo)] = At([estMc], "class_calibration"),
            [typeof(CalibrationInfo)] = At([est], "calibration"),
            [typeof(EstimatedChunk)] = [.. At([est], "chunks"), .. At([est], "reference_chunks")],
            [typeof(EstimatedMetric)] = [.. At([est], "chunks", "metrics").SelectMany(d => d.EnumerateObject().Select(p => p.Value))],
            [typeof(EstimationAlert)] = At([est], "alerts"),
            [typeof(ExplanationSurrogate)] = [.. At([exp], "surrogate"), .. At([exp], "comparison", "baseline_surrogate")],
            [typeof(FeatureExplanation)] = At([exp], "features"),
            [typeof(SegmentExplanation)] = At([exp], "segments"),
            [typeof(SegmentFeature)] = At([exp], "segments", "features"),
            [typeof(ExplanationComparison)] = At([exp], "comparison"),
            [typeof(ShapSummary)] = At([exp], "summary_plot"),
            [typeof(ShapPoint)] = At([exp], "summary_plot", "points"),
            [typeof(ExcludedColumn)] = At([exp], "excluded"),
            [typeof(ComparisonSurrogates)] = At([cmp], "surrogate"),
            [typeof(SegmentsResult)] = [segments],
            [typeof(SegmentHit)] = [.. At([segments], "segments"), .. At([dx], "steps", "evidence", "segments", "segments")],
            [typeof(ReviewResult)] = [rv],
            [typeof(RequirementOutcome)] = At([rv], "requirements"),
            [typeof(SegmentOutcome)] = At([rv], "requirements", "segments"),
            [typeof(ReviewApproval)] = At([rv], "approval"),
            [typeof(DiagnosisResult)] = [dx],
            [typeof(DiagnosisStep)] = At([dx], "steps"),
            [typeof(DiagnosisEvidence)] = At([dx], "steps", "evidence"),
            [typeof(MetricDropEvidence)] = At([dx], "steps", "evidence", "metric"),
            [typeof(QualityEvidence)] = At([dx], "steps", "evidence", "quality"),
            [typeof(ShiftEvidence)] = At([dx], "steps", "evidence", "shift"),
            [typeof(FeatureShift)] = At([dx], "steps", "evidence", "shift", "ranked"),
            [typeof(ConceptEvidence)] = At([dx], "steps", "evidence", "concept"),
            [typeof(ConditionalShift)] = At([dx], "steps", "evidence", "concept", "features"),
            [typeof(ConditionalBin)] = At([dx], "steps", "evidence", "concept", "features", "bins"),
            [typeof(SegmentEvidence)] = At([dx], "steps", "evidence", "segments"),
            [typeof(DecisionEvidence)] = At([dx], "steps", "evidence", "decision"),
            [typeof(RuleCondition)] = At([dx], "steps", "evidence", "decision", "conditions"),
            [typeof(SegmentColumn)] = At([segments], "by"),
            [typeof(ConfusionCounts)] = [.. At(evals, "confusion"), .. At([fair], "groups", "confusion")],
            [typeof(BinaryCurves)] = At(evals, "curves"),
            [typeof(RocPoint)] = At(evals, "curves", "roc"),
            [typeof(PrPoint)] = At(evals, "curves", "pr"),
            [typeof(CalibrationBin)] = [.. At(evals, "curves", "calibration"), .. At([cmp], "segments", "baseline", "calibration")],
            [typeof(ThresholdRow)] = At(evals, "threshold_table"),
            [typeof(BestThreshold)] = At(evals, "best_thresholds"),
            [typeof(MulticlassEvaluation)] = At(evals, "multiclass"),
            [typeof(ClassMetrics)] = At(evals, "multiclass", "per_class"),
            [typeof(ResidualData)] = At(evals, "residuals"),
            [typeof(HistogramBin)] = At(evals, "residuals", "histogram"),
            [typeof(SegmentEvaluation)] = At(evals, "segments"),
            [typeof(QualityIssue)] = [.. At([est], "findings"), .. At([cmp], "findings"), .. At([exp], "findings"), .. At(evals, "findings"), .. At(evals, "segments", "findings"), .. At([summary], "quality", "issues"), .. At([dx], "steps", "evidence", "quality", "issues")],
            [typeof(SummaryResult)] = [summary],
            [typeof(PeriodSummary)] = [.. At([summary], "periods"), .. At([summary], "overall")],
            [typeof(QualityReport)] = At([summary], "quality"),
            [typeof(ColumnProfile)] = At([summary], "quality", "columns"),
            [typeof(DriftResult)] = [drift],
            [typeof(DatasetDrift)] = [.. At([drift], "dataset"), .. At([drift], "chunks", "dataset")],
            [typeof(ColumnDrift)] = [.. At([drift], "columns"), .. At([drift], "chunks", "columns"), .. At([dx], "steps", "evidence", "shift", "prediction")],
            [typeof(DriftTestResult)] = [.. At([drift], "columns"), .. At([drift], "chunks", "columns")],
            [typeof(ReferenceApproximation)] = At([drift], "columns", "approximation"),
            [typeof(ChunkDrift)] = At([drift], "chunks"),
            [typeof(MultivariateDrift)] = At([drift], "multivariate"),
            [typeof(MultivariateChunk)] = At([drift], "multivariate", "chunks"),
            [typeof(FairnessResult)] = [fair],
            [typeof(FairnessGroup)] = [.. At([fair], "groups"), .. At([fair], "overall")],
            [typeof(RateInterval)] = [.. At([fair], "groups", "intervals").SelectMany(d => d.EnumerateObject().Select(p => p.Value))],
            [typeof(FairnessSummaryRow)] = At([fair], "summary"),
            [typeof(FairnessDisparity)] = At([fair], "disparities"),
            [typeof(FairnessParity)] = At([fair], "parity"),
            [typeof(ProxyAttribute)] = At([fair], "proxies"),
            [typeof(ProxyFeature)] = At([fair], "proxies", "features"),
            [typeof(FairnessMitigation)] = At([fair], "mitigation"),
            [typeof(MitigatedGroupRule)] = At([fair], "mitigation", "groups"),
        };
    }

    private static bool Ignored(PropertyInfo p) => p.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Always };

    private static IEnumerable<PropertyInfo> Serialized(Type t) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && !Ignored(p));

    /// <summary>The JSON names a property is written under: its own, or, where JsonContract writes a record inline,
    /// the inner fields it keeps.</summary>
    private static IEnumerable<string> JsonNames(Type t, PropertyInfo p)
    {
        if (t == typeof(ColumnDrift) && p.Name == nameof(ColumnDrift.Result)) return JsonContract.InlineTestResult;
        if (t == typeof(SegmentEvaluation) && p.Name == nameof(SegmentEvaluation.Result)) return ["task", "rows", "metrics", "undefined", "notes", "findings"];
        return [p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name)];
    }

    /// <summary>The record and enum types reachable from the result records through serialized properties.</summary>
    private static (HashSet<Type> Records, HashSet<Type> Enums) Reachable()
    {
        HashSet<Type> records = [], enums = [];
        var queue = new Queue<Type>(Roots);
        while (queue.TryDequeue(out var t))
        {
            if (!records.Add(t)) continue;
            foreach (var p in Serialized(t))
                foreach (var u in Leaves(p.PropertyType))
                {
                    if (u.IsEnum) enums.Add(u);
                    else if (u.Namespace?.StartsWith("Vigil.", StringComparison.Ordinal) == true && !ConverterShaped.Contains(u)) queue.Enqueue(u);
                }
        }
        return (records, enums);
    }

    private static IEnumerable<Type> Leaves(Type t)
    {
        if (Nullable.GetUnderlyingType(t) is { } u) return Leaves(u);
        if (t == typeof(string) || !t.IsGenericType && !t.IsArray) return [t];
        if (t.IsArray) return Leaves(t.GetElementType()!);
        if (typeof(IEnumerable).IsAssignableFrom(t) || t.GetGenericTypeDefinition().Name.StartsWith("IRead", StringComparison.Ordinal))
            return t.GetGenericArguments().SelectMany(Leaves);
        return [t];
    }

    [Fact]
    public void EveryPublicProperty_OfEveryResultRecord_AppearsInTheJson()
    {
        var instances = Instances();
        var (records, _) = Reachable();
        Assert.True(records.Count > 20, string.Join(", ", records));
        foreach (var t in records)
        {
            Assert.True(instances.TryGetValue(t, out var objects), $"{t.Name} is new in the results: add where it appears to {nameof(Instances)}");
            Assert.NotEmpty(objects!);
            var keys = objects!.SelectMany(o => o.EnumerateObject().Select(p => p.Name)).ToHashSet(StringComparer.Ordinal);
            foreach (var p in Serialized(t))
                foreach (var name in JsonNames(t, p))
                    Assert.True(keys.Contains(name), $"{t.Name}.{p.Name} is not in the JSON as \"{name}\" (keys: {string.Join(", ", keys)}); " +
                        "give it a name with [JsonPropertyName] or leave it out with [JsonIgnore] on the record");
        }
    }

    [Fact]
    public void EveryEnum_IsWrittenAsAString()
    {
        var (_, enums) = Reachable();
        Assert.Superset(new HashSet<Type> { typeof(ModelTask), typeof(Severity), typeof(PeriodUnit), typeof(ColumnType) }, enums.ToHashSet());
        foreach (var t in enums)
            foreach (var v in Enum.GetValues(t))
            {
                var json = JsonSerializer.Serialize(v, JsonReport.TypeInfo(t));
                Assert.Matches("^\"[a-z_]+\"$", json);
            }
        Assert.Equal("\"num\"", JsonSerializer.Serialize(ColumnType.Numerical, JsonReport.TypeInfo(typeof(ColumnType))));
        Assert.Equal("\"warning\"", JsonSerializer.Serialize(Severity.Warning, JsonReport.TypeInfo(typeof(Severity))));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void NonFiniteNumbers_AreNull_Everywhere(double x)
    {
        var drift = JsonFixtures.Drift() with
        {
            Columns = [JsonFixtures.Amount(x) with { AdjustedPValue = x }],
            Multivariate = JsonFixtures.Drift().Multivariate! with { ExplainedVariance = x, ThresholdLower = x },
        };
        var root = Parse(drift);
        var col = root.GetProperty("columns")[0];
        foreach (var key in new[] { "statistic", "p_value_adjusted" }) Assert.Equal(JsonValueKind.Null, col.GetProperty(key).ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("multivariate").GetProperty("explained_variance").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("multivariate").GetProperty("threshold_lower").ValueKind);

        var summary = Parse(Fixtures.Summary() with { Overall = [Fixtures.Summary().Overall[0] with { MeanScore = x, Metrics = [new("roc_auc", x)] }] });
        var overall = summary.GetProperty("overall")[0];
        Assert.Equal(JsonValueKind.Null, overall.GetProperty("mean_score").ValueKind);
        Assert.Equal(JsonValueKind.Null, overall.GetProperty("metrics").GetProperty("roc_auc").ValueKind);
        Assert.Equal("not a finite number", overall.GetProperty("undefined").GetProperty("roc_auc").GetString());

        var roc = Fixtures.Binary().Curves!;
        var eval = Parse(Fixtures.Binary() with { Curves = roc with { Roc = [new RocPoint(x, 0, 0), .. roc.Roc] } });
        Assert.Equal(JsonValueKind.Null, eval.GetProperty("curves").GetProperty("roc")[0].GetProperty("threshold").ValueKind);
    }

    public static TheoryData<double> Doubles => new()
    {
        0.1 + 0.2, 1 / 3.0, Math.PI, 1e-300, double.Epsilon, double.MaxValue, double.MinValue, -0.0, 0.91234567890123456, 123456789012345678,
    };

    [Theory]
    [MemberData(nameof(Doubles))]
    public void Doubles_RoundTripExactly(double x)
    {
        var root = Parse(JsonFixtures.Drift() with { Columns = [JsonFixtures.Amount(x)], Dataset = JsonFixtures.Drift().Dataset with { Share = x } });
        Assert.Equal(BitConverter.DoubleToInt64Bits(x == 0 ? 0 : x), BitConverter.DoubleToInt64Bits(root.GetProperty("columns")[0].GetProperty("statistic").GetDouble() is var s && s == 0 ? 0 : s));
        Assert.Equal(x, root.GetProperty("dataset").GetProperty("share").GetDouble());
        var json = JsonReport.ToJson(Fixtures.Binary() with { Threshold = x });
        Assert.Contains("\"threshold\": " + x.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + ",", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluation_Findings_HaveTheQualityIssueShape_AtTopAndInSegments()
    {
        var root = Parse(JsonFixtures.WithFindings());
        var f = root.GetProperty("findings")[0];
        Assert.Equal(["check", "severity", "rows", "message", "examples", "column", "period"], f.EnumerateObject().Select(p => p.Name));
        Assert.Equal("threshold_far_from_best", f.GetProperty("check").GetString());
        Assert.Equal("warning", f.GetProperty("severity").GetString());
        Assert.Equal("2026-01-01T00:00:00Z", f.GetProperty("period").GetString());
        Assert.Equal(JsonValueKind.Null, f.GetProperty("column").ValueKind);
        Assert.Equal("kept_rows", root.GetProperty("segments")[0].GetProperty("findings")[0].GetProperty("check").GetString());
        // No findings: an empty list, so scripts can always iterate it.
        Assert.Equal(0, Parse(Fixtures.Regression()).GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public void Drift_AnyDrift_CountsChunksAndMultivariate()
    {
        var root = Parse(JsonFixtures.Drift());
        Assert.False(root.GetProperty("dataset").GetProperty("drifted").GetBoolean());
        Assert.True(root.GetProperty("any_drift").GetBoolean());
        var plain = Parse(JsonFixtures.PlainDrift());
        Assert.False(plain.GetProperty("any_drift").GetBoolean());
    }

    [Fact]
    public void Drift_HasTheDocumentedShape()
    {
        var root = Parse(JsonFixtures.Drift());
        var keys = root.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["kind", "schema_version", "reference", "current", "reference_rows", "current_rows", "dataset", "columns"], keys[..8]);
        Assert.Equal(["chunk_by", "rows_without_chunk", "chunks", "multivariate", "any_drift"], keys[8..]);
        Assert.Equal("drift", root.GetProperty("kind").GetString());
        Assert.Equal(JsonReport.SchemaVersion, root.GetProperty("schema_version").GetInt32());
        Assert.Equal(["drifted", "share", "drifted_columns", "columns", "drift_share", "correction"], root.GetProperty("dataset").EnumerateObject().Select(p => p.Name));
        Assert.Equal(1 / 3.0, root.GetProperty("dataset").GetProperty("share").GetDouble());

        var amount = root.GetProperty("columns")[0];
        Assert.Equal(
            ["name", "role", "type", "method", "reason", "statistic", "p_value", "p_value_adjusted", "threshold", "drifted", "distinct_values",
                "reference_missing", "current_missing", "note", "approximation"],
            amount.EnumerateObject().Select(p => p.Name));
        Assert.Equal("num", amount.GetProperty("type").GetString());
        Assert.Equal("feature", amount.GetProperty("role").GetString());
        Assert.Equal(1.2e-8, amount.GetProperty("p_value").GetDouble());
        Assert.Equal(2.4e-8, amount.GetProperty("p_value_adjusted").GetDouble());
        Assert.Equal(0.05, amount.GetProperty("threshold").GetDouble());
        Assert.Equal(["pooled_buckets", "cdf_error", "statistic_error", "binned_share_error", "explanation"], amount.GetProperty("approximation").EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, amount.GetProperty("approximation").GetProperty("binned_share_error").ValueKind);

        var country = root.GetProperty("columns")[1];
        Assert.Equal("cat", country.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, country.GetProperty("p_value").ValueKind);
        Assert.Equal(JsonValueKind.Null, country.GetProperty("p_value_adjusted").ValueKind);
        Assert.Equal(JsonValueKind.Null, country.GetProperty("approximation").ValueKind);

        // No method ran: the test's fields are there, and null.
        var skipped = root.GetProperty("columns")[2];
        foreach (var key in new[] { "statistic", "p_value", "threshold" }) Assert.Equal(JsonValueKind.Null, skipped.GetProperty(key).ValueKind);
        Assert.Equal("ks needs numbers", skipped.GetProperty("note").GetString());

        var chunk = root.GetProperty("chunks")[1];
        Assert.Equal(["key", "start", "first_row", "rows", "dataset", "columns"], chunk.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-01-02T00:00:00Z", chunk.GetProperty("start").GetString());
        Assert.Equal(0, root.GetProperty("rows_without_chunk").GetInt64());

        var mv = root.GetProperty("multivariate");
        foreach (var key in new[] { "components", "explained_variance", "threshold_lower", "threshold_upper", "chunks" }) Assert.True(mv.TryGetProperty(key, out _), key);
        Assert.Equal(JsonValueKind.Null, mv.GetProperty("threshold_lower").ValueKind);
        Assert.True(mv.GetProperty("chunks")[1].GetProperty("drifted").GetBoolean());
        Assert.Equal(1.7, mv.GetProperty("chunks")[1].GetProperty("reconstruction_error").GetDouble());
    }

    [Fact]
    public void Drift_WithoutChunks_LeavesOutChunkFields_AndChartData()
    {
        var root = Parse(JsonFixtures.PlainDrift());
        foreach (var absent in new[] { "chunk_by", "rows_without_chunk", "chunks", "multivariate" }) Assert.False(root.TryGetProperty(absent, out _), absent);
        Assert.False(root.GetProperty("columns")[0].TryGetProperty("distribution", out _));
        var rowChunks = Parse(JsonFixtures.Drift() with { ChunkBy = "200 rows", Chunks = [JsonFixtures.Drift().Chunks![0] with { Start = null }] });
        Assert.Equal(JsonValueKind.Null, rowChunks.GetProperty("chunks")[0].GetProperty("start").ValueKind);
    }

    [Fact]
    public void Profile_HasTheDocumentedShape()
    {
        var root = JsonDocument.Parse(ProfileReport.ToJson(JsonFixtures.Profile())).RootElement;
        Assert.Equal(["kind", "schema_version", "path", "sources", "rows", "resolution", "created", "columns"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("profile", root.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("path").ValueKind);
        Assert.Equal("2026-01-02T03:04:05Z", root.GetProperty("created").GetString());
        var cols = root.GetProperty("columns").EnumerateArray().ToList();
        Assert.Equal(["name", "type", "kind", "missing", "values", "buckets", "pooled_buckets", "exact", "cdf_error", "wasserstein_error", "mean", "std", "min", "max"],
            cols[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("num", cols[0].GetProperty("type").GetString());
        Assert.False(cols[0].GetProperty("exact").GetBoolean());
        Assert.Equal(499, cols[0].GetProperty("values").GetInt64());
        // A numerical column without values keeps its moments, as null.
        Assert.Equal(cols[0].EnumerateObject().Select(p => p.Name), cols[1].EnumerateObject().Select(p => p.Name));
        foreach (var key in new[] { "mean", "std", "min", "max" }) Assert.Equal(JsonValueKind.Null, cols[1].GetProperty(key).ValueKind);
        Assert.Equal(["name", "type", "kind", "missing", "values", "categories", "exact"], cols[2].EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, cols[2].GetProperty("categories").GetInt32());
        Assert.True(cols[2].GetProperty("exact").GetBoolean());
    }

    [Fact]
    public void ReportWriter_WritesEveryResultType_WithItsRenderer()
    {
        foreach (var t in Roots) Assert.Contains(t, Renderers.ReportRenderers.Types);
        var w = new StringWriter();
        ReportWriter.Write(JsonFixtures.Drift(), ReportFormat.Json, w);
        Assert.Equal("drift", JsonDocument.Parse(w.ToString()).RootElement.GetProperty("kind").GetString());
        Assert.EndsWith("}\n", w.ToString(), StringComparison.Ordinal);
        w = new StringWriter();
        ReportWriter.Write(JsonFixtures.Profile(), ReportFormat.Json, w);
        Assert.Equal("profile", JsonDocument.Parse(w.ToString()).RootElement.GetProperty("kind").GetString());
        Assert.Throws<Vigil.Engine.VigilInputException>(() => ReportWriter.Write(JsonFixtures.Profile(), ReportFormat.Html, new StringWriter()));
        Assert.Throws<NotSupportedException>(() => ReportWriter.Write("not a result", ReportFormat.Json, new StringWriter()));
    }

    [Fact]
    public void ReportWriter_Drift_DispatchesEveryFormat()
    {
        foreach (var f in Enum.GetValues<ReportFormat>())
        {
            var w = new StringWriter();
            ReportWriter.Write(JsonFixtures.Drift(), f, w);
            var s = w.ToString();
            switch (f)
            {
                case ReportFormat.Html: Assert.StartsWith("<!DOCTYPE html>", s, StringComparison.Ordinal); break;
                case ReportFormat.Markdown: Assert.StartsWith("# Vigil drift", s, StringComparison.Ordinal); break;
                case ReportFormat.Json: Assert.StartsWith("{\n  \"kind\": \"drift\"", s, StringComparison.Ordinal); break;
                default: Assert.Contains("amount", s, StringComparison.Ordinal); break;
            }
        }
    }
}
