using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Vigil.Analysis.Comparison;
using Vigil.Analysis.Demo;
using Vigil.Analysis.Evaluation;
using Vigil.Analysis.Results;
using Vigil.Analysis.Drift;
using Vigil.Analysis.Slicing;
using Vigil.Analysis.Summary;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Reports;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil demo</c>: generates a realistic fraud prediction log and runs the summary and the evaluation on
/// it, writing HTML, JSON and Markdown reports into a folder.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var dir = new Option<string>("--dir") { Description = "Folder for the log and the reports (default ./vigil-demo).", DefaultValueFactory = _ => "vigil-demo" };
        var rows = new Option<long>("--rows") { Description = "Rows to generate (default 200000).", DefaultValueFactory = _ => 200_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed (default 42).", DefaultValueFactory = _ => 42 };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress display." };
        var cmd = new Command("demo",
            "Generate a realistic fraud-model prediction log (two model versions, features, injected data-quality problems and a " +
            "drift that starts mid-way), then run `vigil summary` and `vigil evaluate` on it and write the reports.\n\n" +
            "Example:\n  vigil demo && xdg-open vigil-demo/summary.html");
        cmd.Options.Add(dir);
        cmd.Options.Add(rows);
        cmd.Options.Add(seed);
        cmd.Options.Add(quiet);
        cmd.SetAction(p =>
        {
            var clock = Stopwatch.StartNew();
            var folder = Path.GetFullPath(p.GetValue(dir)!);
            var n = p.GetValue(rows);
            if (n < 100) throw new VigilInputException("--rows: the demo needs at least 100 rows");
            Directory.CreateDirectory(folder);
            var options = new FraudLogOptions { Rows = n, Seed = p.GetValue(seed) };
            var log = Path.Combine(folder, "predictions.csv");
            Console.WriteLine($"Generating {n:N0} predictions of a fraud model ...");
            var injected = GenerateCommand.Write(log, options);
            var asOf = options.Start.AddDays(options.Days + 1);

            using var source = SourceOpener.Open(new SourceSpec { Inputs = [log] });
            SummaryResult summary;
            EvaluationResult evaluation;
            DriftResult drift;
            ComparisonResult comparison;
            // Drift: the days before the generator's drift starts (the reference) against the days after it.
            var referencePath = Path.Combine(folder, "reference.csv");
            var currentPath = Path.Combine(folder, "current.csv");
            var driftStart = injected.DriftStart;
            var splitDay = driftStart.Date.AddDays(-(driftStart.Date - options.Start.Date).Days / 2);
            string Copy(string where, string path) =>
                $"COPY (SELECT * FROM {source.Relation} WHERE {where}) TO '{path.Replace("'", "''", StringComparison.Ordinal)}' (HEADER, DELIMITER ',')";
            var ts = "TRY_CAST(\"timestamp\" AS TIMESTAMP)";
            using (var progress = new ConsoleProgress(!p.GetValue(quiet), () => source.Engine.Progress))
            {
                summary = SummaryAnalysis.Run(source, new SummaryOptions { AsOf = asOf }, progress);
                evaluation = EvaluationAnalysis.Run(source, new EvaluateOptions { SegmentBy = ["model_version"] }, progress);
                source.Engine.Execute(Copy($"{ts} < TIMESTAMP '{splitDay:yyyy-MM-dd HH:mm:ss}'", referencePath));
                source.Engine.Execute(Copy($"{ts} >= TIMESTAMP '{driftStart.Date.AddDays(1):yyyy-MM-dd HH:mm:ss}' AND {ts} < TIMESTAMP '{asOf:yyyy-MM-dd HH:mm:ss}'", currentPath));
                using var reference = SourceOpener.Open(new SourceSpec { Inputs = [referencePath] });
                using var current = SourceOpener.Open(new SourceSpec { Inputs = [currentPath] });
                drift = DriftAnalysis.Run(reference, current, new DriftOptions
                {
                    Columns = DriftColumns,
                    Chunk = DriftChunk,
                }, progress);
                comparison = ComparisonAnalysis.Run(source, CompareDemo, progress);
            }

            var written = new List<string>();
            void Save(string file, ReportFormat format, Action<TextWriter> render)
            {
                var path = Path.Combine(folder, file);
                ReportOutput.Write(format, path, (w, _) => render(w));
                written.Add(path);
            }
            Save("summary.html", ReportFormat.Html, w => ReportWriter.Write(summary, ReportFormat.Html, w));
            Save("summary.json", ReportFormat.Json, w => ReportWriter.Write(summary, ReportFormat.Json, w));
            Save("summary.md", ReportFormat.Markdown, w => ReportWriter.Write(summary, ReportFormat.Markdown, w));
            Save("evaluation.html", ReportFormat.Html, w => ReportWriter.Write(evaluation, ReportFormat.Html, w));
            Save("evaluation.json", ReportFormat.Json, w => ReportWriter.Write(evaluation, ReportFormat.Json, w));
            Save("drift.html", ReportFormat.Html, w => ReportWriter.Write(drift, ReportFormat.Html, w));
            Save("drift.json", ReportFormat.Json, w => ReportWriter.Write(drift, ReportFormat.Json, w));
            Save("compare.html", ReportFormat.Html, w => ReportWriter.Write(comparison, ReportFormat.Html, w));
            Save("compare.json", ReportFormat.Json, w => ReportWriter.Write(comparison, ReportFormat.Json, w));

            var width = ReportOutput.Width();
            Console.WriteLine();
            Console.WriteLine($"Summary: {summary.TotalRows:N0} rows, {summary.Periods.Select(s => s.Start).Distinct().Count()} days, " +
                              $"{summary.Overall.Count} model versions; {summary.ExcludedRows:N0} rows left out of the metrics.");
            foreach (var v in summary.Overall)
                Console.WriteLine($"  {v.ModelVersion ?? "(all)",-6} rows {v.Rows,10:N0}  labeled {v.Labeled,10:N0}  {Metric(v.Metrics, "roc_auc")}  {Metric(v.Metrics, "average_precision")}  {Metric(v.Metrics, "f1")}");
            Console.WriteLine($"Data-quality findings ({summary.Quality.Issues.Count}):");
            foreach (var i in summary.Quality.Issues)
                Console.WriteLine(Vigil.Reports.Fmt.Cut($"  {i.Severity.ToString().ToLowerInvariant(),-7} {i.Check,-23} {i.Rows,9:N0}  {i.Message}", width));
            foreach (var line in ReportOutput.Wrap($"Injected by the generator: {injected.DuplicateIds} duplicate ids, {injected.NullScores} null scores, " +
                              $"{injected.ScoresOutOfRange} out-of-range scores, {injected.InvalidLabels} invalid labels, " +
                              $"{injected.UnparseableTimestamps} unparseable and {injected.FutureTimestamps} future timestamps, " +
                              $"no rows on {injected.MissingDay:yyyy-MM-dd}, a spike on {injected.VolumeSpikeDay:yyyy-MM-dd}.", width))
                Console.WriteLine(line);
            Console.WriteLine();
            Console.WriteLine($"Evaluation over {evaluation.Rows:N0} labeled rows: {Metric(evaluation.Metrics, "roc_auc")}  {Metric(evaluation.Metrics, "log_loss")}  {Metric(evaluation.Metrics, "ece")}");
            Console.WriteLine();
            foreach (var line in ReportOutput.Wrap($"Drift, days before {splitDay:yyyy-MM-dd} against days after {driftStart:yyyy-MM-dd}: " + DriftReport.Verdict(drift), width))
                Console.WriteLine(line);
            foreach (var c in drift.Columns.Where(c => c.Drifted))
                Console.WriteLine($"  {c.Name,-18} {c.Method,-14} {Vigil.Reports.Fmt.Num(c.Result?.Statistic),10}  ({c.Reason})");
            if (DriftReport.Concept(drift) is { } concept)
                foreach (var line in ReportOutput.Wrap(concept, width, "  ", "  ")) Console.WriteLine(line);
            Console.WriteLine();
            foreach (var line in ReportOutput.Wrap($"Versions, {CompareDemo.Candidate} against {CompareDemo.Baseline} by {CompareDemo.SegmentBy[0].Name}: " + ComparisonReport.Verdict(comparison), width))
                Console.WriteLine(line);
            Console.WriteLine();
            Console.WriteLine($"Reports ({clock.Elapsed.TotalSeconds:0.0} s):");
            Console.WriteLine($"  log          {log}");
            foreach (var w in written) Console.WriteLine($"  {Path.GetFileName(w),-16} {w}");
            Console.WriteLine();
            Console.WriteLine($"Next: open {Path.Combine(folder, "summary.html")} in a browser, or try");
            Console.WriteLine($"  vigil summary {log} --as-of {asOf:yyyy-MM-dd}");
            Console.WriteLine($"  vigil evaluate {log} --segment-by model_version --cost-fp 1 --cost-fn 20");
            // The same columns and chunks as drift.html, so the command reports what the demo's report says.
            Console.WriteLine($"  vigil drift --reference {referencePath} --current {currentPath} --columns {string.Join(',', DriftColumns)} --chunk {DriftChunk.Flag}");
            Console.WriteLine($"  vigil compare {log} --baseline {CompareDemo.Baseline} --candidate {CompareDemo.Candidate} --segment-by {CompareDemo.SegmentBy[0].Name}");
            Console.WriteLine($"  vigil segments {log} --by country,device_type,channel,merchant_category");
            Console.WriteLine($"  vigil explain {log} --baseline {CompareDemo.Baseline} --candidate {CompareDemo.Candidate}");
            return Cli.Ok;
        });
        return cmd;
    }

    /// <summary>The demo's drift compares the features, the score and the label; not the model version, which
    /// changes by design half-way through the log.</summary>
    internal static readonly string[] DriftColumns = ["amount", "merchant_category", "country", "account_age_days", "device_type", "channel", "prediction_score", "actual_label"];

    internal static readonly TimeChunk DriftChunk = new(ChunkUnit.Week);

    /// <summary>The demo's comparison: the generator's second model version against its first, per device type.</summary>
    internal static readonly ComparisonOptions CompareDemo = new() { Baseline = "v1", Candidate = "v2", SegmentBy = ["device_type"] };

    private static string Metric(IReadOnlyList<Vigil.Statistics.Classification.MetricValue> metrics, string name)
    {
        var m = metrics.FirstOrDefault(x => x.Name == name);
        return m?.Value is { } v ? $"{name} {v.ToString("0.0000", CultureInfo.InvariantCulture)}" : $"{name} —";
    }
}
