using Vigil.Analysis.Results;
using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Drift;

// Thresholds learned from the reference's own chunks (NannyML's mean + 3σ).
internal static partial class DriftAnalysis
{
    /// <summary>NannyML's thresholds: each column's statistic (its method as chosen on the whole data) on every chunk of
    /// the reference against the whole reference; the threshold is their mean + 3 standard deviations (population).
    /// Columns with fewer than two usable chunks keep their method's threshold, and so do columns whose statistic does
    /// not vary across the reference chunks (a degenerate threshold: σ = 0 would flag any change at all; the result
    /// says so).</summary>
    private static Dictionary<string, Learned> Learn(List<Column> columns, SideCounts[] refCounts,
        Dictionary<double, SideCounts[]> refByChunk, List<ColumnDrift> results)
    {
        var learned = new Dictionary<string, Learned>(StringComparer.Ordinal);
        for (var k = 0; k < columns.Count; k++)
        {
            var col = columns[k];
            var main = results.First(r => r.Name == col.Name);
            if (main.Result is null) continue;
            var stats = new List<double>();
            foreach (var (key, counts) in refByChunk)
            {
                if (double.IsNaN(key)) continue;
                var values = Merge(col.Type, refCounts[k], counts[k]);
                if (DriftMethods.Refusal(main.Method, values, named: false) is not null) continue;
                if (DriftMethods.Run(main.Method, values, named: false).Statistic is { } st && double.IsFinite(st)) stats.Add(st);
            }
            if (stats.Count < 2) continue;
            var mean = stats.Average();
            var sd = Math.Sqrt(stats.Sum(x => (x - mean) * (x - mean)) / stats.Count);
            learned[col.Name] = new Learned(main.Method, mean + 3 * sd, stats.Count, IsDegenerate(mean, sd));
        }
        return learned;
    }

    /// <summary>A threshold learned from reference chunks: <see cref="Degenerate"/> when the statistic did not vary
    /// across them, so that the method's own threshold is kept.</summary>
    internal sealed record Learned(string Method, double Threshold, int Chunks, bool Degenerate);

    /// <summary>Whether mean + 3σ is no threshold at all: no spread (up to rounding) or not a finite number.</summary>
    internal static bool IsDegenerate(double mean, double sd) =>
        !double.IsFinite(mean) || !double.IsFinite(sd) || sd <= 1e-12 * Math.Max(1, Math.Abs(mean));

    /// <summary>What a column says when its learned threshold degenerated and the method's threshold was used.</summary>
    internal static string DegenerateNote(Learned l, double threshold) =>
        $"learned threshold degenerate (no variation across {l.Chunks} reference chunks); the method's {(DriftMethods.IsTest(l.Method) ? "p-value threshold" : "default threshold")} {threshold.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)} used";

    /// <summary>Decisions against learned thresholds: drift when the statistic exceeds the column's threshold.</summary>
    private static List<ColumnDrift> Redecided(IEnumerable<ColumnDrift> results, Dictionary<string, Learned> learned) =>
        Ranked(results.Select(c =>
        {
            if (c.Result is not { Statistic: { } st } r || !learned.TryGetValue(c.Name, out var l)) return c;
            if (l.Degenerate)
            {
                var why = DegenerateNote(l, r.Threshold);
                return c with { Reason = c.Reason + "; " + why, Note = Join(c.Note, why) };
            }
            var drifted = st > l.Threshold;
            return c with
            {
                Result = r with { Threshold = l.Threshold, Drifted = drifted },
                Drifted = drifted,
                Reason = c.Reason + $"; threshold learned from {l.Chunks} reference chunks (mean + 3σ of the statistic)",
            };
        }));
}
