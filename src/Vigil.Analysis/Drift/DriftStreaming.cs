using System.Collections.Concurrent;
using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Drift;

// Numbers streamed from a server engine: each column's distinct values of both sides in ascending order, tested in one
// pass that holds O(1) per column (issue 14).
internal static partial class DriftAnalysis
{
    /// <summary>Whether the numerical columns are tested on ordered streams of their counts rather than held: when either
    /// side is a server engine (or <see cref="DriftOptions.StreamNumbers"/> asks for it), with no chunks and a source
    /// (not a profile) as the reference.</summary>
    private static bool StreamsNumbers(OpenedSource reference, OpenedSource current, DriftOptions options) =>
        options.StreamNumbers || !reference.Engine.InProcess || !current.Engine.InProcess;

    /// <summary>Whether a numerical column's method needs all its values at once (a method named for it, or for every
    /// column, that does not run in ordered passes): such a column is counted and held as before.</summary>
    private static bool NeedsAllValues(Column col, DriftOptions options)
    {
        options.PerColumn.TryGetValue(col.Name, out var over);
        var method = over.Method ?? options.Method;
        return method is not null && !DriftMethods.RunsOnSamples(DriftMethods.Canonical(method));
    }

    /// <summary>Distinct values of a streamed column kept whole (beyond them only the one-pass statistics): enough for
    /// the automatic choice's few-valued methods (≤ 5 values) and the drawing of a few values (≤ 12).</summary>
    private const int KeptValues = DistributionDrawing.MaxValuesDrawn + 1;

    /// <summary>Every column's drift with the numbers streamed: categories (and numbers whose method needs all values)
    /// counted by the engine's grouping sets as before; each other numerical column from aggregates of both sides, then
    /// one ordered pass over its distinct values.</summary>
    private static (long RefRows, long CurRows, List<ColumnDrift> Columns, DatasetDrift Dataset) TestStreamed(OpenedSource reference, OpenedSource current,
        List<Column> columns, DriftOptions options, IAnalysisProgress progress)
    {
        var results = new List<ColumnDrift>();
        long refRows = 0, curRows = 0;
        var counted = columns.Where(c => c.Type != ColumnType.Numerical || NeedsAllValues(c, options)).ToList();
        var streamed = columns.Where(c => c.Type == ColumnType.Numerical && !NeedsAllValues(c, options)).ToList();
        if (counted.Count > 0)
        {
            progress.Stage($"Counting values in {reference.Description}");
            var (r, refCounts) = Count(reference, counted);
            progress.Stage($"Counting values in {current.Description}");
            var (c, curCounts) = Count(current, counted);
            CheckRows(reference.Description, r, current.Description, c);
            (refRows, curRows) = (r, c);
            Parallel.ForEach(refCounts, x => x.Compact());
            progress.Stage("Testing columns");
            results.AddRange(TestColumns(counted, refCounts, curCounts, options, keepReference: false, draw: options.Distributions));
        }
        if (streamed.Count > 0)
        {
            progress.Stage($"Aggregating numbers in {reference.Description}");
            var (r, refAggs) = Aggregate(reference, streamed);
            progress.Stage($"Aggregating numbers in {current.Description}");
            var (c, curAggs) = Aggregate(current, streamed);
            CheckRows(reference.Description, r, current.Description, c);
            (refRows, curRows) = (r, c);
            for (var k = 0; k < streamed.Count; k++)
            {
                // The stage names the side whose query fails (a shipped-row limit's message quotes it): the reference's
                // while both stream, the current side's when its query failed.
                progress.Stage($"Counting values in {reference.Description}");
                results.Add(TestStreamedColumn(reference, current, streamed[k], refAggs[k], curAggs[k], options,
                    () => progress.Stage($"Counting values in {current.Description}")));
            }
        }
        var final = Finish(results.ToArray(), options);
        return (refRows, curRows, Ranked(final), DatasetOf(final, options));
    }

    /// <summary>One side's aggregates of one numerical column: finite values, missing ones (NULL, NaN, ±∞), the range and
    /// the mean of the finite ones (NaN when there are none).</summary>
    private readonly record struct SideAggregates(long Values, long Missing, double Min, double Max, double Mean);

    /// <summary>A column as a double, NULL as NaN (as the counting passes read it).</summary>
    private static string AsDouble(SqlDialect d, Column col) =>
        $"coalesce(CAST({d.QuoteIdentifier(col.Name)} AS {d.Double}), CAST('NaN' AS {d.Double}))";

    /// <summary>SQL that holds when <paramref name="expr"/> (a double) is finite: NaN and ±∞ fall outside ±MaxValue in
    /// every engine (PostgreSQL sorts NaN above everything, ClickHouse compares it false).</summary>
    private static string Finite(SqlDialect d, string expr) =>
        $"{expr} >= CAST('-1.7976931348623157e308' AS {d.Double}) AND {expr} <= CAST('1.7976931348623157e308' AS {d.Double})";

    private static (long Rows, SideAggregates[] Columns) Aggregate(OpenedSource source, List<Column> columns)
    {
        var d = source.Dialect;
        var inner = string.Join(", ", columns.Select((c, k) => $"{AsDouble(d, c)} AS c{k}_"));
        var aggs = columns.Select((_, k) =>
        {
            var v = $"c{k}_";
            var fin = Finite(d, v);
            return string.Create(CultureInfo.InvariantCulture,
                $"{d.CountIf(fin)} AS f{k}_, {d.AggregateIf("min", v, fin)} AS lo{k}_, {d.AggregateIf("max", v, fin)} AS hi{k}_, {d.AggregateIf("avg", v, fin)} AS m{k}_");
        });
        var t = source.Engine.Query($"SELECT count(*) AS n_, {string.Join(", ", aggs)} FROM (SELECT {inner} FROM {source.Relation}) s");
        var rows = t.GetInt64(0, 0);
        double D(int col) => t.IsNull(col, 0) ? double.NaN : t.GetDouble(col, 0);
        var result = new SideAggregates[columns.Count];
        for (var k = 0; k < columns.Count; k++)
        {
            var n = t.GetInt64(1 + 4 * k, 0);
            result[k] = new SideAggregates(n, rows - n, D(2 + 4 * k), D(3 + 4 * k), D(4 + 4 * k));
        }
        return (rows, result);
    }

    /// <summary>One side's distinct finite values of a column with their counts (<c>v_</c>, <c>n_</c>).</summary>
    private static string Grouped(OpenedSource source, Column col)
    {
        var d = source.Dialect;
        return $"SELECT v_, count(*) AS n_ FROM (SELECT {AsDouble(d, col)} AS v_ FROM {source.Relation}) s WHERE {Finite(d, "v_")} GROUP BY v_";
    }

    /// <summary><see cref="Grouped"/>, ascending.</summary>
    private static string Ordered(OpenedSource source, Column col) => Grouped(source, col) + " ORDER BY v_";

    /// <summary>Both sides' distinct finite values of a column, ascending, each with both counts: one query when both
    /// sides are on one engine; else the two ordered streams merged here (the current side's read on another thread into
    /// a bounded queue). -0.0 and 0.0, which an engine may group apart, are merged into one value.</summary>
    internal static void StreamBoth(OpenedSource reference, OpenedSource current, Column col, Action<double, long, long> visit, Action? currentFailed = null)
    {
        var runs = new Runs(visit);
        if (ReferenceEquals(reference.Engine, current.Engine))
        {
            string Side(OpenedSource s, bool isReference) =>
                $"SELECT v_, {(isReference ? "n_" : "n_ * 0")} AS r_, {(isReference ? "n_ * 0" : "n_")} AS c_ FROM ({Grouped(s, col)}) g";
            reference.Engine.Stream(
                $"SELECT v_, sum(r_) AS nr_, sum(c_) AS nc_ FROM ({Side(reference, true)} UNION ALL {Side(current, false)}) u GROUP BY v_ ORDER BY v_", [], chunk =>
                {
                    var v = chunk.Doubles(0);
                    for (var i = 0; i < chunk.RowCount; i++) runs.Add(v[i], chunk.GetInt64(1, i), chunk.GetInt64(2, i));
                });
            runs.Flush();
            return;
        }
        using var queue = new BlockingCollection<(double[] Values, long[] Counts)>(boundedCapacity: 4);
        using var cancel = new CancellationTokenSource();
        Exception? failed = null;
        var producer = new Thread(() =>
        {
            try
            {
                current.Engine.Stream(Ordered(current, col), [], chunk =>
                {
                    var v = chunk.Doubles(0).ToArray();
                    var n = new long[chunk.RowCount];
                    for (var i = 0; i < n.Length; i++) n[i] = chunk.GetInt64(1, i);
                    queue.Add((v, n), cancel.Token);
                }, cancel.Token);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                failed = e;
            }
            finally
            {
                queue.CompleteAdding();
            }
        }) { IsBackground = true, Name = "vigil drift: current side" };
        producer.Start();
        try
        {
            // The current side's cursor: the batch in hand and the position in it.
            double[] cv = [];
            long[] cn = [];
            var at = 0;
            bool NextCurrent()
            {
                while (at == cv.Length)
                {
                    if (!queue.TryTake(out var batch, Timeout.Infinite)) return false;
                    (cv, cn, at) = (batch.Values, batch.Counts, 0);
                }
                return true;
            }
            reference.Engine.Stream(Ordered(reference, col), [], chunk =>
            {
                var v = chunk.Doubles(0);
                for (var i = 0; i < chunk.RowCount; i++)
                {
                    var x = v[i];
                    var n = chunk.GetInt64(1, i);
                    while (NextCurrent() && cv[at] < x)
                    {
                        runs.Add(cv[at], 0, cn[at]);
                        at++;
                    }
                    if (NextCurrent() && cv[at] == x)
                    {
                        runs.Add(x, n, cn[at]);
                        at++;
                    }
                    else runs.Add(x, n, 0);
                }
            });
            while (NextCurrent())
            {
                runs.Add(cv[at], 0, cn[at]);
                at++;
            }
            runs.Flush();
        }
        finally
        {
            cancel.Cancel();
            // Drain so that a producer blocked on a full queue sees the cancellation.
            while (queue.TryTake(out _)) { }
            producer.Join();
        }
        if (failed is not null)
        {
            currentFailed?.Invoke();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failed).Throw();
        }
    }

    /// <summary>Gathers equal consecutive values (-0.0 and 0.0 as two groups) into one run and checks the order.</summary>
    private sealed class Runs(Action<double, long, long> visit)
    {
        private double _x = double.NaN;
        private long _r, _c;
        private bool _any;

        public void Add(double x, long r, long c)
        {
            if (_any && x == _x)
            {
                _r += r;
                _c += c;
                return;
            }
            if (_any && !(x > _x)) throw new InvalidOperationException($"the engine returned {x.ToString("R", CultureInfo.InvariantCulture)} after {_x.ToString("R", CultureInfo.InvariantCulture)} in an ascending result");
            Flush();
            (_x, _r, _c, _any) = (x + 0.0, r, c, true);
        }

        public void Flush()
        {
            if (_any && (_r > 0 || _c > 0)) visit(_x, _r, _c);
            _r = _c = 0;
        }
    }

    private static ColumnDrift TestStreamedColumn(OpenedSource reference, OpenedSource current, Column col, SideAggregates ra, SideAggregates ca, DriftOptions options,
        Action? currentFailed = null)
    {
        var min = ra.Values == 0 ? ca.Min : ca.Values == 0 ? ra.Min : Math.Min(ra.Min, ca.Min);
        var max = ra.Values == 0 ? ca.Max : ca.Values == 0 ? ra.Max : Math.Max(ra.Max, ca.Max);
        var runs = new OrderedRuns(ra.Values, ca.Values, min, max, ra.Mean, Math.Max(Math.Abs(ra.Min), Math.Abs(ra.Max)));
        var drawing = options.Distributions ? new DistributionDrawing.OnePass(ra.Values, ca.Values) : null;
        var kept = new List<(double X, long R, long C)>();
        StreamBoth(reference, current, col, (x, r, c) =>
        {
            runs.Add(x, r, c);
            drawing?.Visit(x, r, c);
            if (kept.Count <= KeptValues) kept.Add((x, r, c));
        }, currentFailed);
        SampleSummary summary;
        try
        {
            summary = runs.Summary();
        }
        catch (InvalidOperationException e)
        {
            throw new VigilInputException($"column '{col.Name}': {e.Message}; did {reference.Description} or {current.Description} change during the run?");
        }
        var census = summary.Census;
        var (over, method, reason, named) = ChooseMethod(col, census, options);
        var onSamples = method != "none" && DriftMethods.RunsOnSamples(method);
        ValueCounts? values = null;
        if (!onSamples && method != "none")
        {
            // The automatic choice picks a method on the merged counts only for a column of few values, all kept.
            if (kept.Count > KeptValues) throw new InvalidOperationException($"{method} on a streamed column of {census.Distinct} values");
            values = ValueCounts.Numerical([.. kept.Select(k => k.X)], [.. kept.Select(k => k.R)], [.. kept.Select(k => k.C)]);
        }
        var threshold = over.Threshold ?? options.Threshold;
        var (result, note) = RunChosen(col, method, over.Method is not null, census,
            () => onSamples ? DriftMethods.RefusalOnSamples(method, census, named) : DriftMethods.Refusal(method, values!, named),
            () => onSamples ? DriftMethods.RunOnSummary(method, summary, runs.ReferenceStandardDeviation, threshold, named) : DriftMethods.Run(method, values!, threshold, named));
        Distribution? distribution = null;
        if (drawing is not null) distribution = drawing.Result(method) ?? DistributionOf(summary);
        return new ColumnDrift
        {
            Name = col.Name,
            Type = col.Type,
            Method = method,
            Reason = reason,
            Result = result,
            ReferenceMissing = ra.Missing,
            CurrentMissing = ca.Missing,
            DistinctValues = census.Distinct,
            Note = note,
            Drifted = result?.Drifted ?? false,
            Distribution = distribution,
        };
    }
}
