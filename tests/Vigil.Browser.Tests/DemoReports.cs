using Vigil.Cli.Tests;

namespace Vigil.Browser.Tests;

/// <summary>The reports a new user sees first: <c>vigil demo</c>'s summary, evaluation and drift pages, plus the drift
/// report per day with multivariate drift and learned thresholds (the run the issue's user tried). Made once per test
/// class, in a temporary folder.</summary>
public sealed class DemoReports : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("vigil-browser-").FullName;

    /// <summary>Report name → HTML file.</summary>
    public IReadOnlyDictionary<string, string> Pages { get; }

    public DemoReports()
    {
        var demo = VigilProcess.Run(Dir, "demo", "--dir", Dir, "--rows", "60000", "--quiet");
        if (demo.ExitCode != 0) throw new InvalidOperationException($"vigil demo failed ({demo.ExitCode}): {demo.Stderr}");
        var chunks = Path.Combine(Dir, "drift-chunks.html");
        var drift = VigilProcess.Run(Dir, "drift", "-r", Path.Combine(Dir, "reference.csv"), "-c", Path.Combine(Dir, "current.csv"),
            "--columns", "amount,merchant_category,country,account_age_days,device_type,channel",
            "--chunk", "day", "--multivariate", "--threshold-from", "reference-chunks", "--quiet", "--out", chunks);
        if (drift.ExitCode is not (0 or 1)) throw new InvalidOperationException($"vigil drift failed ({drift.ExitCode}): {drift.Stderr}");
        // A regressor and a multiclass classifier: the golden fixtures the analysis tests check against scikit-learn.
        var fixtures = Path.Combine(RepoRoot(), "tests", "Vigil.Analysis.Tests", "Fixtures");
        var regression = Path.Combine(Dir, "regression.html");
        var multiclass = Path.Combine(Dir, "multiclass.html");
        foreach (var (input, task, output) in new[] { ("eval_regression.csv", "regression", regression), ("eval_multiclass.csv", "multiclass", multiclass) })
        {
            var run = VigilProcess.Run(Dir, "evaluate", Path.Combine(fixtures, input), "--task", task, "--quiet", "--out", output);
            if (run.ExitCode != 0) throw new InvalidOperationException($"vigil evaluate {input} failed ({run.ExitCode}): {run.Stderr}");
        }
        var comparison = Path.Combine(Dir, "comparison.html");
        var cmp = VigilProcess.Run(Dir, "compare", Path.Combine(fixtures, "compare_independent.csv"), "--baseline", "v2.0", "--candidate", "v2.1",
            "--segment-by", "region", "--quiet", "--out", comparison);
        if (cmp.ExitCode != 0) throw new InvalidOperationException($"vigil compare failed ({cmp.ExitCode}): {cmp.Stderr}");
        // vigil segments on a churn log with a planted miscalibrated pair of values.
        var segments = Path.Combine(Dir, "segments.html");
        var seg = VigilProcess.Run(Dir, "segments", ChurnLog.Write(Dir), "--by", "tenure_bucket,day_of_week,plan,device,tenure_days",
            "--label", "churned", "--quiet", "--out", segments);
        if (seg.ExitCode != 0) throw new InvalidOperationException($"vigil segments failed ({seg.ExitCode}): {seg.Stderr}");
        var explanation = Path.Combine(Dir, "explanation.html");
        var exp = VigilProcess.Run(Dir, "explain", Path.Combine(Dir, "predictions.csv"), "--baseline", "v1", "--candidate", "v2",
            "--segment-by", "device_type", "--quiet", "--out", explanation);
        if (exp.ExitCode != 0) throw new InvalidOperationException($"vigil explain failed ({exp.ExitCode}): {exp.Stderr}");
        // vigil diagnose on the mixed scenario of tools/golden/generate_diagnose.py (covariate shift and concept drift).
        var diagnosis = Path.Combine(Dir, "diagnosis.html");
        var dx = VigilProcess.Run(Dir, "diagnose", "-r", Path.Combine(fixtures, "diagnose", "reference.csv"), "-c", Path.Combine(fixtures, "diagnose", "mixed.csv"),
            "--quiet", "--out", diagnosis);
        if (dx.ExitCode != 0) throw new InvalidOperationException($"vigil diagnose failed ({dx.ExitCode}): {dx.Stderr}");
        // vigil estimate on the concept-drift scenario: estimates flat, realized values below the bands.
        var estimation = Path.Combine(Dir, "estimation.html");
        var scenario = Path.Combine(RepoRoot(), "tests", "fixtures", "scenarios", "concept_drift");
        var est = VigilProcess.Run(Dir, "estimate", "-r", Path.Combine(scenario, "reference.csv"), "-a", Path.Combine(scenario, "current.csv"),
            "--score", "score", "--label", "label", "--id", "id", "--chunk", "week", "--quiet", "--out", estimation);
        if (est.ExitCode != 0) throw new InvalidOperationException($"vigil estimate failed ({est.ExitCode}): {est.Stderr}");
        // vigil estimate on a regression model (DLE): the golden log the analysis tests check against NannyML's arithmetic.
        var dle = Path.Combine(Dir, "estimate-dle.html");
        var dleRun = VigilProcess.Run(Dir, "estimate", "-r", Path.Combine(fixtures, "dle_reference.csv"), "-a", Path.Combine(fixtures, "dle_analysis.csv"),
            "--label", "label", "--id", "id", "--chunk", "100", "--quiet", "--out", dle);
        if (dleRun.ExitCode != 0) throw new InvalidOperationException($"vigil estimate (DLE) failed ({dleRun.ExitCode}): {dleRun.Stderr}");
        // vigil estimate on a multiclass model (CBPE per class) under covariate shift.
        var mcEstimate = Path.Combine(Dir, "estimate-multiclass.html");
        var mcScenario = Path.Combine(RepoRoot(), "tests", "fixtures", "scenarios", "multiclass_covariate_shift");
        var mcRun = VigilProcess.Run(Dir, "estimate", "-r", Path.Combine(mcScenario, "reference.csv"), "-a", Path.Combine(mcScenario, "current.csv"),
            "--label", "label", "--prediction", "prediction", "--id", "id", "--chunk", "week", "--quiet", "--out", mcEstimate);
        if (mcRun.ExitCode != 0) throw new InvalidOperationException($"vigil estimate (multiclass) failed ({mcRun.ExitCode}): {mcRun.Stderr}");
        // vigil fairness on the generated loan log (two attributes, their intersection, proxies, equalized-odds thresholds).
        var fairness = Path.Combine(Dir, "fairness.html");
        var fair = VigilProcess.Run(Dir, "fairness", Path.Combine(RepoRoot(), "tests", "fixtures", "fairness", "loans.csv"), "--sensitive", "gender,race",
            "--constraint", "equalized_odds", "--quiet", "--out", fairness);
        if (fair.ExitCode != 0) throw new InvalidOperationException($"vigil fairness failed ({fair.ExitCode}): {fair.Stderr}");
        // vigil review's model card on the covariate-shift scenario (one requirement fails, sections left to write).
        var card = Path.Combine(Dir, "model-card.md");
        var reviewScenario = Path.Combine(RepoRoot(), "tests", "fixtures", "scenarios", "covariate_shift");
        File.WriteAllText(Path.Combine(Dir, "policy.yaml"), "model: {name: loan-underwriting, version: '3.2', owner: credit-risk team}\n" +
            "columns: {score: score, label: label, id: id, timestamp: timestamp}\nrequirements:\n  - metric: roc_auc\n    min: 0.75\n" +
            "  - metric: recall\n    min: 0.6\n    per_segment: region\n  - calibration_error: {max: 0.05}\n" +
            $"  - drift: {{reference: '{Path.Combine(reviewScenario, "reference.csv")}', max_drifted_share: 0.3}}\n");
        var review = VigilProcess.Run(Dir, "review", "--policy", Path.Combine(Dir, "policy.yaml"), Path.Combine(reviewScenario, "current.csv"), "--card", card, "--quiet");
        if (review.ExitCode is not (0 or 1)) throw new InvalidOperationException($"vigil review failed ({review.ExitCode}): {review.Stderr}");
        Pages = new Dictionary<string, string>
        {
            ["fairness"] = fairness,
            ["model-card"] = Path.ChangeExtension(card, ".html"),
            ["diagnosis"] = diagnosis,
            ["estimate-multiclass"] = mcEstimate,
            ["estimation"] = estimation,
            ["estimate-dle"] = dle,
            ["explanation"] = explanation,
            ["comparison"] = comparison,
            ["segments"] = segments,
            ["regression"] = regression,
            ["multiclass"] = multiclass,
            ["summary"] = Path.Combine(Dir, "summary.html"),
            ["evaluation"] = Path.Combine(Dir, "evaluation.html"),
            ["drift"] = Path.Combine(Dir, "drift.html"),
            ["drift-chunks"] = chunks,
        };
    }

    internal static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Vigil.slnx"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("the repository root (Vigil.slnx) is not above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
