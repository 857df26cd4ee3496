using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Statistics.Drift;
using Vigil.Statistics.Testing;

namespace Vigil.Analysis.Drift;

// Testing the columns: each column's method, test, notes and drawing; the correction and the dataset's verdict.
internal static partial class DriftAnalysis
{
    /// <summary>Distinct values above which a column's test ends with a full garbage collection.</summary>
    private const int LargeColumn = 100_000;

    /// <summary>A full, blocking collection: the large arrays let go of are reused rather than piling up (a compacting
    /// one measured no smaller and slower).</summary>
    private static void CollectLarge()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
    }

    /// <summary>Every column's test (in parallel), the correction, the dataset's verdict, most drifted first.</summary>
    private static (List<ColumnDrift> Columns, DatasetDrift Dataset) TestAll(List<Column> columns, SideCounts[] refCounts, SideCounts[] curCounts,
        DriftOptions options, bool keepReference, bool draw, IReadOnlyDictionary<string, string>? forced = null)
    {
        var results = Finish(TestColumns(columns, refCounts, curCounts, options, keepReference, draw, forced), options);
        return (Ranked(results), DatasetOf(results, options));
    }

    /// <summary>The correction of the p-values, when asked for, over all the columns.</summary>
    private static ColumnDrift[] Finish(ColumnDrift[] results, DriftOptions options) =>
        options.Correction != "none" ? Corrected(results, options.Correction) : results;

    /// <summary>Every column's test, in parallel.</summary>
    private static ColumnDrift[] TestColumns(List<Column> columns, SideCounts[] refCounts, SideCounts[] curCounts,
        DriftOptions options, bool keepReference, bool draw, IReadOnlyDictionary<string, string>? forced = null)
    {
        var results = new ColumnDrift[columns.Count];
        try
        {
            Parallel.For(0, columns.Count, k =>
            {
                results[k] = TestColumn(columns[k], refCounts[k], curCounts[k], options, keepReference, draw,
                    forced is not null && forced.TryGetValue(columns[k].Name, out var m) ? m : null);
                // A large column's merged counts are tens of MB on the large-object heap, which the runtime collects
                // only in full collections: collect now rather than let every column's pile up (the live objects
                // are few arrays of numbers, so this takes milliseconds).
                if (results[k].DistinctValues > LargeColumn) CollectLarge();
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<VigilInputException>().FirstOrDefault() is { } input)
        {
            throw input;
        }
        return results;
    }

    private static List<ColumnDrift> Ranked(IEnumerable<ColumnDrift> results) =>
        results.OrderByDescending(r => r.Drifted).ThenByDescending(Severity).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();

    private static DatasetDrift DatasetOf(IReadOnlyCollection<ColumnDrift> results, DriftOptions options)
    {
        var tested = results.Count(r => r.Result is not null);
        var drifted = results.Count(r => r.Drifted);
        var share = tested == 0 ? 0 : (double)drifted / tested;
        return new DatasetDrift(tested > 0 && share >= options.DriftShare, share, drifted, tested, options.DriftShare, options.Correction);
    }

    /// <summary>The columns with p-values corrected as one family; each decision is the adjusted p-value against the
    /// column's threshold (with the method's own comparison: ks drifts at p ≤ threshold, the others below it).</summary>
    private static ColumnDrift[] Corrected(ColumnDrift[] columns, string correction)
    {
        var tests = columns.Select((c, i) => (c, i)).Where(x => x.c.Result?.PValue is not null).ToList();
        var p = tests.Select(x => x.c.Result!.PValue!.Value).ToArray();
        var q = correction == "bonferroni" ? MultipleTesting.Bonferroni(p) : MultipleTesting.BenjaminiHochberg(p);
        var result = (ColumnDrift[])columns.Clone();
        for (var j = 0; j < tests.Count; j++)
        {
            var (c, i) = tests[j];
            var r = c.Result!;
            var drifted = DriftMethods.PValueDrifts(r.Method, q[j], r.Threshold);
            result[i] = c with { AdjustedPValue = q[j], Drifted = drifted };
        }
        return result;
    }

    /// <summary>How far past (above 1) or short of (below 1) its threshold a column is: distance / threshold, or
    /// log p / log threshold for tests.</summary>
    internal static double Severity(ColumnDrift c)
    {
        if (c.Result is not { } r || r.Statistic is not { } s) return double.NegativeInfinity;
        if (r.PValue is { } p) return p <= 0 ? double.PositiveInfinity : Math.Log(p) / Math.Log(r.Threshold);
        return r.Threshold == 0 ? double.PositiveInfinity : s / r.Threshold;
    }

    private static ColumnDrift TestColumn(Column col, SideCounts refCounts, SideCounts curCounts, DriftOptions options, bool keepReference, bool draw,
        string? forcedMethod = null)
    {
        // Numbers: the two sorted samples and one pass for what the choice needs; the merged counts only for the
        // methods that need them whole (ks and wasserstein run on the samples in ordered passes).
        var pooled = refCounts.Summary is { IsExact: false } profiled ? profiled : null;
        ValueCounts? values = null;
        SortedSample rs = default, cs = default;
        SampleSummary? summary = null;
        SampleCensus census;
        if (col.Type == ColumnType.Numerical)
        {
            (rs, cs) = (refCounts.Sample(), curCounts.Sample());
            summary = SortedSamples.Summarize(rs, cs);
            census = summary.Census;
        }
        else
        {
            values = Merge(col.Type, refCounts, curCounts);
            census = new SampleCensus(values.ReferenceTotal, values.CurrentTotal, values.Count, double.NaN, double.NaN);
        }
        var (over, method, reason, named) = ChooseMethod(col, census, options, forcedMethod);
        var onSamples = values is null && pooled is null && method != "none" && DriftMethods.RunsOnSamples(method);
        if (values is null && !onSamples)
        {
            values = SortedSamples.Merge(rs, cs, census);
            if (pooled is not null) values = values.WithReferenceStandardDeviation(pooled.StandardDeviation);
        }
        var threshold = over.Threshold ?? options.Threshold;
        var (result, note) = RunChosen(col, method, over.Method is not null, census,
            () => onSamples ? DriftMethods.RefusalOnSamples(method, census, named) : DriftMethods.Refusal(method, values!, named),
            () => onSamples ? DriftMethods.RunOnSamples(method, rs, summary!, threshold, named) : DriftMethods.Run(method, values!, threshold, named));
        Distribution? distribution = null;
        if (draw)
        {
            // Numbers: few values as categories, else the reference's quantile bins (Sturges bins when it has too few
            // distinct values for them); categories: the most frequent ones.
            var walk = col.Type != ColumnType.Numerical ? null
                : summary is not null && pooled is null ? DistributionDrawing.Of(rs, cs)
                : values is not null ? DistributionDrawing.Of(values) : null;
            distribution = walk is not null ? DistributionDrawing.Numerical(walk, method) : null;
            distribution ??= summary is not null && pooled is null ? DistributionOf(summary) : values is not null ? DistributionOf(values) : null;
        }
        if (!keepReference) refCounts.Release();
        curCounts.Release();
        return new ColumnDrift
        {
            Name = col.Name,
            Type = col.Type,
            Method = method,
            Reason = reason,
            Result = result,
            ReferenceMissing = refCounts.Missing,
            CurrentMissing = curCounts.Missing,
            DistinctValues = census.Distinct,
            Note = note,
            Drifted = result?.Drifted ?? false,
            Distribution = distribution,
            Approximation = pooled is not null && result is not null ? ApproximationOf(pooled, result.Method, values!) : null,
        };
    }

    private static string? Join(params string?[] notes) =>
        notes.Any(n => n is not null) ? string.Join("; ", notes.Where(n => n is not null)) : null;

    /// <summary>A note for a result whose statistic or p-value is undefined (NaN or infinite): such a column is not
    /// counted as drifted, and the reader must be told so rather than read it as "no drift".</summary>
    internal static string? UndefinedNote(DriftTestResult r)
    {
        var statistic = r.Statistic is not { } s || !double.IsFinite(s);
        var p = DriftMethods.IsTest(r.Method) && (r.PValue is not { } pv || double.IsNaN(pv));
        if (!statistic && !p) return null;
        return $"the {r.Method} {(statistic ? "statistic" : "p-value")} is undefined for these values (e.g. no spread on either side, or values too large for a double), so the column is not counted as drifted; inspect it or choose another method";
    }

    /// <summary>Magnitude beyond which squares overflow a double: such values are computed scaled, and noted.</summary>
    internal const double ExtremeMagnitude = 1e150;

    /// <summary>A note for a numerical column holding values near the limits of a double: the statistics are computed
    /// scaled (so they are finite), but one such value dominates the spread and can hide a shift in the bulk.</summary>
    internal static string? ExtremeNote(ColumnType type, SampleCensus census)
    {
        if (type != ColumnType.Numerical || double.IsNaN(census.Min)) return null;
        if (!(Math.Max(Math.Abs(census.Min), Math.Abs(census.Max)) > ExtremeMagnitude)) return null;
        var f = System.Globalization.CultureInfo.InvariantCulture;
        return $"extreme values (from {census.Min.ToString("G3", f)} to {census.Max.ToString("G3", f)}): the statistics are computed on scaled values, "
            + "but such values dominate the range and the spread, so a shift in the bulk of the data may not show; check the column for sentinel or corrupt values";
    }

    private static ValueCounts Merge(ColumnType type, SideCounts r, SideCounts c)
    {
        if (type == ColumnType.Numerical)
        {
            var (rs, cs) = (r.Sample(), c.Sample());
            return SortedSamples.Merge(rs, cs, SortedSamples.CensusOf(rs, cs));
        }
        var cats = r.Categories.Keys.Union(c.Categories.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return ValueCounts.Categorical(cats, cats.Select(v => r.Categories.GetValueOrDefault(v)).ToArray(), cats.Select(v => c.Categories.GetValueOrDefault(v)).ToArray());
    }

    /// <summary>The method a column is tested with and why: the caller's forced one, the column's own
    /// (<c>--per-column</c>), every column's (<c>--method</c>), or Evidently's automatic choice (not "named": a column
    /// it does not fit is skipped with a note rather than refused).</summary>
    private static ((string? Method, double? Threshold) Over, string Method, string Reason, bool Named) ChooseMethod(
        Column col, SampleCensus census, DriftOptions options, string? forcedMethod = null)
    {
        options.PerColumn.TryGetValue(col.Name, out var over);
        if (forcedMethod is not null) return (over, forcedMethod, "as on the whole data", false);
        if (over.Method is not null) return (over, DriftMethods.Canonical(over.Method), "chosen for this column (--per-column)", true);
        if (options.Method is not null) return (over, DriftMethods.Canonical(options.Method), "chosen (--method)", true);
        var (method, reason) = census.ReferenceTotal == 0 || census.CurrentTotal == 0 ? ("none", "no values")
            : DriftMethodChooser.Choose(col.Type, census.Distinct, census.ReferenceTotal);
        return (over, method, reason, false);
    }

    /// <summary>Runs the chosen method, or says why not: no values, or the method does not fit the column (refused
    /// outright when chosen for this very column; a note when chosen for every column, which skips those it does not
    /// fit). The note of a result says when it is undefined or the values are extreme.</summary>
    private static (DriftTestResult? Result, string? Note) RunChosen(Column col, string method, bool chosenForColumn, SampleCensus census,
        Func<string?> refusal, Func<DriftTestResult> run)
    {
        if (method == "none") return (null, "no values to compare");
        if (refusal() is { } why)
        {
            if (chosenForColumn) throw new VigilInputException($"--per-column {col.Name}: {why}");
            return (null, why);
        }
        var result = run();
        return (result, Join(UndefinedNote(result), ExtremeNote(col.Type, census)));
    }
}
