using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Evaluation;
using Vigil.Analysis.Results;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Estimation;

namespace Vigil.Analysis.Estimation;

/// <summary>
/// <c>vigil estimate</c> for multiclass classifiers: NannyML's CBPE with one probability column per class
/// (<c>proba_&lt;class&gt;</c>, <c>prob_&lt;class&gt;</c> or <c>score_&lt;class&gt;</c>, as evaluate finds them) and the model's
/// predicted class. Each class's probability is calibrated one-vs-rest on the labelled reference (isotonic where it
/// lowers the held-out calibration error, decided class by class), a row's calibrated probabilities are renormalised to
/// sum to 1, and each chunk's expected one-vs-rest confusion matrices give the macro F1, precision, recall,
/// specificity and the accuracy (<see cref="CbpeMulticlassAccumulator"/>); ROC AUC is the mean of the classes'
/// estimates, each ranked by the class's raw probability (one sorted walk per class). Sampling errors are NannyML's
/// multiclass ones (<see cref="CbpeMulticlassSamplingError"/>); thresholds and alerts are the binary estimate's.
/// </summary>
internal static partial class MulticlassEstimation
{
    /// <summary>The metrics multiclass CBPE estimates, in report order (NannyML has no multiclass average precision).</summary>
    public static readonly IReadOnlyList<string> Metrics = ["roc_auc", "f1", "precision", "recall", "specificity", "accuracy"];

    /// <summary>The most classes an estimate takes (each needs a sorted walk of the data).</summary>
    public const int MaxClasses = 50;

    private sealed record Model(IReadOnlyList<string> Classes, IReadOnlyList<SourceColumn> ProbabilityColumns);

    public static EstimationResult Run(OpenedSource reference, OpenedSource analysis, EstimationOptions options,
        ResolvedColumns refCols, RoleExpressions rx, IAnalysisProgress progress)
    {
        var metrics = ChooseMetrics(options);
        options = options with { Metrics = metrics };
        if (refCols.Prediction is null)
            throw new VigilInputException($"{reference.Description}: no prediction column ('{options.Mapping.Prediction ?? MappingOptions.DefaultPrediction}' or --prediction); multiclass CBPE needs the model's predicted class");
        var model = Classes(reference, refCols, rx);
        var anaMapping = options.Mapping.Label is { } named && analysis.Columns.All(c => c.Name != named) ? options.Mapping with { Label = null } : options.Mapping;
        var anaCols = ColumnResolver.Resolve(analysis.Columns, anaMapping, ColumnNeeds.ScoreOrPrediction, analysis.Description);
        EstimationAnalysis.CheckColumns(reference, analysis);
        if (anaCols.Prediction is null)
            throw new VigilInputException($"{analysis.Description}: no prediction column ('{refCols.Prediction.Name}' in the reference, or --prediction); multiclass CBPE estimates from the predicted class and the class probabilities");
        var anaProbs = model.ProbabilityColumns.Select(c => analysis.Columns.FirstOrDefault(a => a.Name == c.Name)
            ?? throw new VigilInputException($"{analysis.Description}: no column '{c.Name}' (the reference's probability of a class); multiclass CBPE needs every class's probability")).ToList();
        var ax = new RoleExpressions(analysis.Dialect, analysis.Description);

        var refFeatures = Features(refCols, model);
        var anaFeatures = Features(anaCols, model);
        var rangeFeatures = AssumptionChecks.RangeFeatures(refFeatures, anaFeatures);
        var refSide = NewSide(reference, refFeatures, rx, model, model.ProbabilityColumns, EstimationAnalysis.Chunking(reference, options), rangeFeatures);
        var anaSide = NewSide(analysis, anaFeatures, ax, model, anaProbs, EstimationAnalysis.Chunking(analysis, options), rangeFeatures);
        CheckValues(refSide, "reference");
        CheckValues(anaSide, "analysis set");

        progress.Stage("Fitting each class's calibration on the reference");
        var (decisions, calibrators, sampling) = Fit(refSide, model, options);

        progress.Stage("Estimating each chunk of the reference");
        AssumptionChecks.CountReferenceRanges(refSide);
        var refChunks = Walk(refSide, model, calibrators);
        progress.Stage("Estimating each chunk of the analysis set");
        var ranges = AssumptionChecks.CountAnalysisOutside(refSide, anaSide);
        var anaChunks = Walk(anaSide, model, calibrators);
        foreach (var c in anaChunks)
            if (c.Rows < options.MinChunkRows)
                throw new VigilInputException(string.Create(CultureInfo.InvariantCulture,
                    $"{analysis.Description}: chunk {c.Place.Label} has {c.Rows:N0} rows; CBPE's band needs at least {options.MinChunkRows:N0} rows a chunk (choose a larger --chunk, or lower --min-chunk-rows)"));

        progress.Stage("Learning the thresholds and checking the assumptions");
        var thresholds = EstimationAnalysis.Thresholds(refChunks, options);
        var referenceOut = refChunks.Select(c => EstimationAnalysis.Chunk(c, sampling.StandardError, thresholds, metrics)).ToList();
        var chunks = anaChunks.Select(c => EstimationAnalysis.Chunk(c, sampling.StandardError, thresholds, metrics)).ToList();
        var findings = new List<QualityIssue>();
        findings.AddRange(refSide.Excluded("reference"));
        findings.AddRange(anaSide.Excluded("analysis set"));
        for (var k = 0; k < model.Classes.Count; k++)
            foreach (var f in AssumptionChecks.Calibration(decisions[k]))
                findings.Add(f with { Message = $"class '{model.Classes[k]}': {f.Message}", Examples = [model.Classes[k]] });
        findings.AddRange(AssumptionChecks.CovariateRange(anaSide, ranges));
        findings.AddRange(AssumptionChecks.RealizedOutsideBand(chunks, metrics));
        return new EstimationResult
        {
            Method = "cbpe",
            Task = ModelTask.Multiclass,
            Source = new SourceInfo(analysis.Description, analysis.Engine.Name, analysis.Columns.Select(c => c.Name).ToArray()),
            Reference = new SourceInfo(reference.Description, reference.Engine.Name, reference.Columns.Select(c => c.Name).ToArray()),
            Columns = refCols.Roles with { Features = refSide.Cols.Features.Select(f => f.Name).ToArray() },
            Chunking = anaSide.Slicer.Chunk!.Name,
            Classes = model.Classes,
            ClassCalibration = model.Classes.Select((c, k) => new ClassCalibrationInfo(c, model.ProbabilityColumns[k].Name, decisions[k].Calibrate,
                Finite(decisions[k].EceBefore), Finite(decisions[k].EceAfter))).ToList(),
            Metrics = metrics,
            Chunks = chunks,
            ReferenceChunks = referenceOut,
            Alerts = EstimationAnalysis.Alerts(chunks, metrics),
            Assumptions = EstimationAnalysis.Assumptions,
            Findings = findings,
        };
    }

    /// <summary>The user's metrics, checked; the default list (the binary one) becomes the multiclass one.</summary>
    private static IReadOnlyList<string> ChooseMetrics(EstimationOptions options)
    {
        if (ReferenceEquals(options.Metrics, EstimationAnalysis.BinaryMetrics)) return Metrics;
        foreach (var m in options.Metrics)
        {
            if (Metrics.Contains(m)) continue;
            throw new VigilInputException(m == "average_precision"
                ? "--metrics: average_precision is estimated for binary classifiers only (NannyML has no multiclass estimate of it); expected some of " + string.Join(", ", Metrics)
                : $"--metrics: '{m}' is not a metric multiclass CBPE estimates; expected some of {string.Join(", ", Metrics)}");
        }
        return options.Metrics;
    }

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    /// <summary>The classes (the reference's labels and predictions, in scikit-learn's order) and each one's probability column.</summary>
    private static Model Classes(OpenedSource reference, ResolvedColumns cols, RoleExpressions x)
    {
        var label = cols.Label!;
        var pred = cols.Prediction!;
        var t = reference.Engine.Query(
            $"SELECT v_, max(l_) AS l_ FROM (SELECT {x.Text(label)} AS v_, 1 AS l_ FROM {reference.Relation} UNION ALL SELECT {x.Text(pred)} AS v_, 0 AS l_ FROM {reference.Relation}) u " +
            "WHERE v_ IS NOT NULL GROUP BY v_");
        var labels = new HashSet<string>(StringComparer.Ordinal);
        var all = new List<string>();
        for (var r = 0; r < t.RowCount; r++)
        {
            var v = t.GetString(0, r)!;
            all.Add(v);
            if (t.GetInt64(1, r) == 1) labels.Add(v);
        }
        MulticlassEvaluationRun.CheckClasses(reference.Description, label.Name, pred.Name, all.Count);
        if (all.Count > MaxClasses)
            throw new VigilInputException(string.Create(CultureInfo.InvariantCulture,
                $"{reference.Description}: {all.Count:N0} classes in '{label.Name}' and '{pred.Name}'; vigil estimate takes at most {MaxClasses} classes (each is a sorted pass over the data)"));
        var classes = MulticlassEvaluationRun.SortClasses(all);
        if (labels.Count < 2)
            throw new VigilInputException($"{reference.Description}: every reference label is '{labels.FirstOrDefault() ?? "(none)"}'; CBPE needs at least two classes among the reference's labels to learn the calibration");
        var unlabelled = classes.FirstOrDefault(c => !labels.Contains(c));
        if (unlabelled is not null)
            throw new VigilInputException($"{reference.Description}: the class '{unlabelled}' is predicted but never a label in the reference; CBPE learns each class's calibration from the reference's labels");
        var probs = new List<SourceColumn>();
        foreach (var c in classes)
        {
            var col = reference.Columns.FirstOrDefault(sc => sc.Name == "proba_" + c || sc.Name == "prob_" + c || sc.Name == "score_" + c)
                ?? throw new VigilInputException($"{reference.Description}: no probability column for class '{c}' (expected proba_{c}, prob_{c} or score_{c}); multiclass CBPE needs the model's probability of every class");
            probs.Add(col);
        }
        return new Model(classes, probs);
    }

    /// <summary>The features, without the probability columns.</summary>
    private static ResolvedColumns Features(ResolvedColumns cols, Model model)
    {
        var probs = model.ProbabilityColumns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return cols with { Features = cols.Features.Where(f => !probs.Contains(f.Name)).ToList() };
    }

    /// <summary>Rows: s0_ … s{K−1}_ (class probabilities), p_ (predicted class index), y_ (label index or NULL), and the
    /// texts pt_ and yt_ (to name a prediction or label that is not a class).</summary>
    private static Side NewSide(OpenedSource source, ResolvedColumns cols, RoleExpressions x, Model model, IReadOnlyList<SourceColumn> probs, Slicing.ChunkSpec chunk,
        IReadOnlyList<string> rangeFeatures)
    {
        var d = source.Dialect;
        // The searched CASE (ClickHouse 18.16 answers NULL to every row of CASE x WHEN …).
        string Code(string text) => "CASE " + string.Concat(model.Classes.Select((c, i) =>
            $"WHEN {text} = {d.StringLiteral(c)} THEN {i.ToString(CultureInfo.InvariantCulture)} ")) + "END";
        var k = model.Classes.Count;
        var scores = string.Join(", ", probs.Select((c, i) => $"{x.StrictNumber(c, "probability")} AS s{i}_"));
        var pred = x.Text(cols.Prediction!);
        var label = cols.Label is { } l ? x.Text(l) : $"CAST(NULL AS {d.Text})";
        var roles = $"{scores}, {Code(pred)} AS p_, {Code(label)} AS y_, {pred} AS pt_, {label} AS yt_";
        var ok = string.Join(" AND ", Enumerable.Range(0, k).Select(i => $"s{i}_ IS NOT NULL AND s{i}_ <> CAST('NaN' AS {d.Double})")) + " AND p_ IS NOT NULL";
        var outOfRange = string.Join(" OR ", Enumerable.Range(0, k).Select(i => $"s{i}_ < 0 OR s{i}_ > 1"));
        return new Side(source, cols, x, chunk, roles, ok, outOfRange, rangeFeatures);
    }

    /// <summary>A prediction or a label that is not one of the reference's classes is refused, naming it.</summary>
    private static void CheckValues(Side side, string what)
    {
        var t = side.Source.Engine.Query(
            $"SELECT {side.Source.Dialect.AggregateIf("min", "pt_", "pt_ IS NOT NULL AND p_ IS NULL")}, {side.Source.Dialect.AggregateIf("min", "yt_", "yt_ IS NOT NULL AND y_ IS NULL")} FROM ({side.BaseSql}) b");
        var classes = "the reference's classes";
        if (!t.IsNull(0, 0))
            throw new VigilInputException($"{side.Source.Description}: the prediction column '{side.Cols.Prediction!.Name}' of the {what} holds '{t.GetString(0, 0)}', which is not one of {classes}; CBPE has no calibration for it");
        if (!t.IsNull(1, 0))
            throw new VigilInputException($"{side.Source.Description}: the label column '{side.Cols.Label!.Name}' of the {what} holds '{t.GetString(1, 0)}', which is not one of {classes}; the labels contradict the reference's task");
    }

    /// <summary>Per class: the calibration decision (held-out folds, as the binary estimate's) and calibrator; the sampling
    /// errors from the reference's confusion matrix and each class's scores.</summary>
    private static (CalibrationDecision[] Decisions, IsotonicCalibrator[] Calibrators, CbpeMulticlassSamplingError Sampling) Fit(Side side, Model model, EstimationOptions options)
    {
        var source = side.Source;
        var k = model.Classes.Count;
        var folds = Math.Max(2, options.CalibrationFolds);
        var scores = string.Concat(Enumerable.Range(0, k).Select(i => $"s{i.ToString(CultureInfo.InvariantCulture)}_, "));
        var labelled = source.CreateTempTable($"SELECT {scores}p_, y_, f_ FROM ({side.LabelledWithFolds(folds)}) l");
        var confusion = new long[k, k];
        var cm = source.Engine.Query($"SELECT y_, p_, count(*) FROM {labelled} GROUP BY y_, p_");
        long rows = 0;
        for (var r = 0; r < cm.RowCount; r++)
        {
            var n = cm.GetInt64(2, r);
            confusion[cm.GetInt64(0, r), cm.GetInt64(1, r)] += n;
            rows += n;
        }
        if (rows == 0)
            throw new VigilInputException($"{source.Description}: no rows with class probabilities, a prediction and a label in the reference; CBPE fits on labelled reference rows");
        var outside = source.Engine.Query($"SELECT count(*) FROM {labelled} WHERE {side.OutOfRange}").GetInt64(0, 0);
        if (outside > 0)
            throw new VigilInputException(string.Create(CultureInfo.InvariantCulture,
                $"{source.Description}: {outside:N0} reference rows have a class probability outside [0, 1]; CBPE needs the model's class probabilities"));

        var decisions = new CalibrationDecision[k];
        var calibrators = new IsotonicCalibrator[k];
        var groups = new ScoreGroups[k];
        var constant = 0;
        for (var c = 0; c < k; c++)
        {
            var cs = c.ToString(CultureInfo.InvariantCulture);
            var (foldGroups, all) = EstimationAnalysis.FoldGroups(source, $"SELECT s{cs}_ AS s_, y_, f_ FROM {labelled}", $"y_ = {cs}", folds);
            if (all.Scores.Length == 1) constant++;
            groups[c] = all;
            decisions[c] = EstimationAnalysis.Decide(foldGroups, folds);
            calibrators[c] = decisions[c].Calibrate ? IsotonicCalibrator.Fit(groups[c].Scores, groups[c].Positives, groups[c].Rows) : IsotonicCalibrator.Identity;
        }
        if (constant == k)
            throw new VigilInputException($"{source.Description}: every class probability is constant in the reference; constant scores carry no information to estimate from");
        return (decisions, calibrators, CbpeMulticlassSamplingError.Fit(confusion, groups));
    }

    /// <summary>Every chunk of one set: one walk per class in descending order of that class's raw probability, each
    /// row's probabilities calibrated and renormalised; the first walk also fills each chunk's multiclass accumulator
    /// and (labelled rows) its confusion matrix.</summary>
    private static List<WalkedChunk> Walk(Side side, Model model, IsotonicCalibrator[] calibrators)
    {
        var source = side.Source;
        var census = ChunkCensus.Take(side);
        if (census.OutOfRange > 0)
            throw new VigilInputException(string.Create(CultureInfo.InvariantCulture,
                $"{source.Description}: {census.OutOfRange:N0} rows have a class probability outside [0, 1] ({string.Join(", ", model.ProbabilityColumns.Select(c => c.Name))}); CBPE needs the model's class probabilities"));
        var n = census.Count;
        var k = model.Classes.Count;
        var mc = new CbpeMulticlassAccumulator[n];
        var confusion = new long[n][,];
        var perClass = new CbpeBinaryAccumulator[k][];
        var realized = new BinaryScoreAccumulator?[k][];
        for (var i = 0; i < n; i++)
        {
            mc[i] = new CbpeMulticlassAccumulator(calibrators, k);
            confusion[i] = new long[k, k];
        }
        var scores = string.Join(", ", Enumerable.Range(0, k).Select(i => $"b.s{i.ToString(CultureInfo.InvariantCulture)}_"));
        source.Engine.WithMemoryBudget(minimumMegabytes: 128, megabytesPerThread: 32, () =>
        {
            for (var cls = 0; cls < k; cls++)
            {
                var cbpe = perClass[cls] = new CbpeBinaryAccumulator[n];
                var real = realized[cls] = new BinaryScoreAccumulator?[n];
                for (var i = 0; i < n; i++) cbpe[i] = new CbpeBinaryAccumulator(IsotonicCalibrator.Identity, 0.5);
                var pending = new double[n];
                pending.AsSpan().Fill(double.NaN);
                var rows = new long[n];
                var sum = new double[n];
                var pos = new long[n];
                var neg = new long[n];
                var probs = new double[k];
                var calibrated = new double[k];
                var first = cls == 0;
                var cols = new double[k][];
                for (var j = 0; j < k; j++) cols[j] = [];
                var target = cls;
                void Flush(int c)
                {
                    if (double.IsNaN(pending[c])) return;
                    cbpe[c].AddCalibrated(pending[c], rows[c], Math.Min(sum[c], rows[c]));
                    if (pos[c] + neg[c] > 0)
                        (real[c] ??= new BinaryScoreAccumulator(new BinaryMetricOptions())).Add(pending[c], pos[c], neg[c]);
                    rows[c] = pos[c] = neg[c] = 0;
                    sum[c] = 0;
                }
                source.Engine.Stream(
                    $"SELECT CAST(c.code_ AS INTEGER) AS code_, {scores}, CAST(b.p_ AS SMALLINT) AS p_, CAST(coalesce(b.y_, -1) AS SMALLINT) AS y_ " +
                    $"FROM ({side.BaseSql}) b JOIN {census.Table} c ON b.k_ = c.k_ WHERE {side.Ok} ORDER BY b.s{target.ToString(CultureInfo.InvariantCulture)}_ DESC",
                    null,
                    chunk =>
                    {
                        var code = chunk.Int64s(0);
                        if (cols[0].Length < chunk.RowCount)
                            for (var j = 0; j < k; j++) cols[j] = new double[chunk.RowCount];
                        for (var j = 0; j < k; j++) chunk.Doubles(1 + j).CopyTo(cols[j]);
                        var p = chunk.Int64s(1 + k);
                        var y = chunk.Int64s(2 + k);
                        for (var i = 0; i < chunk.RowCount; i++)
                        {
                            var c = (int)code[i];
                            for (var j = 0; j < k; j++) probs[j] = cols[j][i];
                            CbpeMulticlassAccumulator.Calibrate(probs, calibrators, calibrated);
                            var s = probs[target];
                            if (s != pending[c])
                            {
                                Flush(c);
                                pending[c] = s;
                            }
                            rows[c]++;
                            sum[c] += calibrated[target];
                            if (y[i] == target) pos[c]++;
                            else if (y[i] >= 0) neg[c]++;
                            if (first)
                            {
                                mc[c].AddCalibrated(calibrated, (int)p[i]);
                                if (y[i] >= 0) confusion[c][y[i], p[i]]++;
                            }
                        }
                    });
                for (var c = 0; c < n; c++) Flush(c);
            }
        });

        return census.Chunks(side,
            c =>
            {
                var metrics = new Dictionary<string, double>(mc[c].Finish().Metrics, StringComparer.Ordinal);
                var auc = 0.0;
                for (var cls = 0; cls < k; cls++) auc += perClass[cls][c].Finish().Metrics[CbpeMetrics.RocAuc];
                metrics[CbpeMetrics.RocAuc] = auc / k;
                return metrics;
            },
            c =>
            {
                if (census.Labelled[c] == 0) return null;
                var aucs = new double[k];
                for (var cls = 0; cls < k; cls++)
                    aucs[cls] = realized[cls][c] is { } acc ? acc.Finish().Metrics.First(m => m.Name == "roc_auc").Value ?? double.NaN : double.NaN;
                return CbpeMulticlassRealized.Metrics(confusion[c], aucs);
            });
    }
}
