using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Reports;

namespace Vigil.Cli;

/// <summary>With <c>--out</c>, the one line that says what the report found and where it went, on standard error
/// (standard output stays empty, as with a report on standard output it holds only the report).</summary>
internal static class Wrote
{
    public static void Say(OutputTarget? target, string verdict, bool quiet)
    {
        if (target is null || quiet) return;
        Console.Error.WriteLine($"{verdict.TrimEnd('.')} → wrote {target.Given}");
    }

    /// <summary>"Evaluation of 130,296 rows (binary): roc_auc 0.8080, average_precision 0.1234".</summary>
    public static string Verdict(EvaluationResult r)
    {
        var key = r.Task switch
        {
            ModelTask.Binary => new[] { "roc_auc", "average_precision" },
            ModelTask.Multiclass => ["accuracy", "macro_f1"],
            _ => ["rmse", "r2"],
        };
        var parts = key.Select(k => r.Metrics.FirstOrDefault(m => m.Name == k) is { } m ? $"{k} {Fmt.Num(m.Value)}" : null).Where(s => s is not null).ToList();
        var text = $"Evaluation of {Fmt.Count(r.Rows)} rows ({Fmt.Task(r.Task)})";
        if (r.Threshold is { } t) text += string.Create(CultureInfo.InvariantCulture, $" at threshold {Fmt.Short(t)}");
        if (parts.Count > 0) text += ": " + string.Join(", ", parts);
        if (r.Segments is { Count: > 0 } s) text += $"; {s.Count} segments";
        return text;
    }
}
