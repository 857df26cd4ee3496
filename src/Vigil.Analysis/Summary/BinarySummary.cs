using System.Globalization;
using System.Text;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Internal;

namespace Vigil.Analysis.Summary;

/// <summary>
/// The binary summary in two scans of the source and no working table:
/// <list type="number">
/// <item>one aggregate pass: every quality check's count, which rows are left out (but for duplicates), each column's
/// profile, and the model versions present;</item>
/// <item>one streamed pass of fixed-width columns per row: two independent 63-bit hashes of the id, the timestamp,
/// the period, the version as a small integer, the score, the label and whether the row passed the checks.</item>
/// </list>
/// .NET then finds duplicates by sorting the id hashes, counts rows per period, and computes the metrics by sorting each
/// version's scores once (see docs/architecture.md for the measurements behind this design).
/// </summary>
internal static class BinarySummary
{
    private const int HashSeed = 0x5EED;

    internal sealed record Inputs(
        IQueryEngine Engine,
        OpenedSource Source,
        ResolvedColumns Cols,
        string RowsSql,
        List<(string Check, string Predicate, bool Excludes)> Checks,
        DateTime AsOf,
        SummaryOptions Options,
        IAnalysisProgress Progress);

    public static SummaryResult Run(Inputs input)
    {
        var (engine, source, cols, rowsSql, checks, asOf, options, progress) = input;
        var d = engine.Dialect;
        var name = source.Description;

        // 1. Column profiles in one aggregate pass, which the engine runs in parallel; on a second connection it
        //    runs at the same time as the streamed pass below (which the engine feeds from one thread).
        progress.Stage($"Reading {name}");
        // Profiles read the raw columns (a null is a null before any parsing), and skip min = max for the id and the
        // timestamp, whose values are nearly all distinct.
        var profileItems = RawProfileItems(d, cols);
        var countSql = "SELECT count(*) AS total_" +
                       string.Concat(SummaryAnalysis.ProfileAggregates(d, profileItems, distinct: false).Select(p => ", " + p)) +
                       $" FROM {source.Relation}";
        var second = source.Reopen();
        var profilePass = Task.Run(() =>
        {
            try { return (second?.Engine ?? engine).Query(countSql); }
            finally { second?.Dispose(); }
        });
        var swP = System.Diagnostics.Stopwatch.StartNew();
        if (second is null || Environment.GetEnvironmentVariable("EXP_SEQ") is not null) profilePass.Wait();
        Exp($"[exp] profile wait {swP.Elapsed.TotalSeconds:F3}");

        // 2. One streamed pass of fixed-width columns.
        var parameters = new List<object?> { asOf };
        var hasId = cols.Id is not null;
        // Every check's outcome as one bit of m_; the id only for rows that fail one (for examples).
        var mask = string.Join(" + ", checks.Select((c, i) => $"(CASE WHEN {c.Predicate} THEN {1 << i} ELSE 0 END)"));
        var excluding = 0;
        for (var i = 0; i < checks.Count; i++) if (checks[i].Excludes) excluding |= 1 << i;
        var streamSql =
            $"SELECT {(hasId ? d.Hash63("id_", 0) : "0")} AS h1_, {(hasId ? d.Hash63("id_", HashSeed) : "0")} AS h2_, " +
            $"{d.EpochSeconds("ts_")} AS t_, ver_, coalesce(s_, 0) AS s_, coalesce(y_, -1) AS y_, " +
            $"CASE WHEN id_ IS NULL THEN 1 ELSE 0 END AS n_, m_, CASE WHEN m_ <> 0 THEN id_ END AS e_ " +
            $"FROM (SELECT r.*, {(checks.Count == 0 ? "0" : mask)} AS m_ FROM ({rowsSql}) r) g";
        var checkCounts = new long[checks.Count];
        var checkExamples = checks.Select(_ => new List<string>()).ToArray();
        long excludedByChecks = 0;
        var rows = new RowColumns();
        var versionIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var versions = new List<string>();
        string? lastVersion = null;
        var lastVersionIndex = 0;
        var periodIndex = new Dictionary<double, int>();
        var periodStarts = new List<double>();
        var lastPeriod = double.NaN;
        var lastIndex = -1;
        var period = options.Period;
        // A Parquet source is read in ranges of file row numbers, each computed by DuckDB in parallel; anything else
        // is one streamed result.
        var ranged = RangedRelation(source);
        Action<Action<Table>> produce = ranged is null || Environment.GetEnvironmentVariable("EXP_NOORDER") is not null || engine is not Vigil.Engine.DuckDb.DuckDbEngine duckEngine
            ? consume => { if (Environment.GetEnvironmentVariable("EXP_NOORDER") is not null) engine.Execute("SET preserve_insertion_order = false"); engine.Stream(streamSql, parameters, consume); }
            : consume =>
            {
                var rangedRows = rowsSql.Replace(source.Relation, ranged, StringComparison.Ordinal);
                var rangeRows = options.ParquetRangeRows;
                for (long from = 0; ; from += rangeRows)
                {
                    var before = rows.Count;
                    var sql = streamSql.Replace($"FROM ({rowsSql}) r", $"FROM ({rangedRows} WHERE file_row_number >= {from} AND file_row_number < {from + rangeRows}) r", StringComparison.Ordinal);
                    duckEngine.StreamMaterialized(sql, parameters, consume);
                    if (rows.Count == before) break;
                }
            };
        if (Environment.GetEnvironmentVariable("EXP_ONLY") is { } only)
        {
            engine.Execute("SET preserve_insertion_order = false");
            foreach (var variant in new[] { streamSql, only.Replace("{R}", rowsSql, StringComparison.Ordinal) })
            {
                var sw0 = System.Diagnostics.Stopwatch.StartNew(); long nn = 0;
                engine.Stream(variant, parameters, c => nn += c.RowCount);
                Exp($"[exp] {sw0.Elapsed.TotalSeconds:F3} s {nn} rows: {variant[..Math.Min(120, variant.Length)]}");
            }
            Environment.Exit(0);
        }
        var swC = new System.Diagnostics.Stopwatch(); var swAll = System.Diagnostics.Stopwatch.StartNew();
        produce(chunk =>
        {
            swC.Start();
            var h1 = chunk.Int64s(0);
            var h2 = chunk.Int64s(1);
            var t = chunk.Doubles(2);

            var s = chunk.Doubles(4);
            var y = chunk.Int64s(5);
            var n = chunk.Int64s(6);
            var m = chunk.Int64s(7);
            for (var i = 0; i < chunk.RowCount; i++)
            {
                var bits = (int)m[i];
                if (bits != 0)
                {
                    for (var k = 0; k < checkCounts.Length; k++)
                    {
                        if ((bits & (1 << k)) == 0) continue;
                        checkCounts[k]++;
                        if (hasId && checkExamples[k].Count < options.Examples) checkExamples[k].Add(chunk.GetString(8, i) ?? "(null id)");
                    }
                    if ((bits & excluding) != 0) excludedByChecks++;
                }
                var p = PeriodStart(t[i], period);
                int pi;
                if (double.IsNaN(p)) pi = -1;
                else if (p == lastPeriod) pi = lastIndex;
                else
                {
                    if (!periodIndex.TryGetValue(p, out pi))
                    {
                        pi = periodStarts.Count;
                        periodIndex[p] = pi;
                        periodStarts.Add(p);
                    }
                    lastPeriod = p;
                    lastIndex = pi;
                }
                // The version as a small integer (0: none); the reader hands repeated values over as one string object.
                int vi;
                var ver = chunk.IsNull(3, i) ? null : chunk.GetString(3, i);
                if (ver is null) vi = 0;
                else if (ReferenceEquals(ver, lastVersion)) vi = lastVersionIndex;
                else
                {
                    if (!versionIndex.TryGetValue(ver, out vi))
                    {
                        if (versions.Count == MaxVersions)
                            throw new VigilInputException($"{name}: more than {MaxVersions} distinct values in the model version column '{cols.Version?.Name}'; is it the right column (--version)?");
                        versions.Add(ver);
                        vi = versions.Count;
                        versionIndex[ver] = vi;
                    }
                    lastVersion = ver;
                    lastVersionIndex = vi;
                }
                rows.Add(h1[i], h2[i], t[i], s[i], Tag(pi, vi, (int)y[i], (bits & excluding) == 0, n[i] != 0));
            }
            swC.Stop();
        });
        Exp($"[exp] produce {swAll.Elapsed.TotalSeconds:F3} consume {swC.Elapsed.TotalSeconds:F3} gc {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
        var counts = profilePass.GetAwaiter().GetResult();
        var total = counts.GetInt64(0, 0);
        if (total == 0) throw new VigilInputException($"{name}: no rows");
        if (rows.Count != total)
            throw new InvalidOperationException($"the engine streamed {rows.Count} rows where it had counted {total}");
        var profiles = SummaryAnalysis.ReadProfiles(counts, 1, profileItems, total);

        // 3. Duplicates: later occurrences of an id (earliest timestamp first, then file order).
        progress.Stage("Finding duplicates");
        var dup = hasId ? Duplicates(rows) : new bool[rows.Count];
        long dupCount = 0, dupOnlyExcluded = 0;
        var dupExamples = new List<long>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (!dup[i]) continue;
            dupCount++;
            if ((rows.Tag(i) & 2) != 0) dupOnlyExcluded++;
            if (dupExamples.Count < options.Examples) dupExamples.Add(rows.H2(i));
        }

        // 4. Issues, in the order of the checks.
        progress.Stage("Collecting examples");
        var issues = new List<QualityIssue>();
        if (dupCount > 0)
        {
            var ph = string.Join(", ", dupExamples.Select((_, i) => $"${i + 1}"));
            var ex = engine.Query($"SELECT id_ FROM ({rowsSql}) r WHERE id_ IS NOT NULL AND {d.Hash63("id_", HashSeed)} IN ({ph}) LIMIT {4 * options.Examples}", dupExamples.Cast<object?>().ToArray());
            var ids = Enumerable.Range(0, ex.RowCount).Select(r => ex.GetString(0, r)!).Distinct(StringComparer.Ordinal).Take(options.Examples).ToArray();
            issues.Add(new QualityIssue("duplicate_id", SummaryAnalysis.SeverityOf("duplicate_id"), dupCount,
                SummaryAnalysis.Message("duplicate_id", dupCount, total, true, asOf, cols), ids, cols.Id?.Name));
        }
        for (var i = 0; i < checks.Count; i++)
        {
            var n = checkCounts[i];
            if (n == 0) continue;
            var (check, _, excludes) = checks[i];
            issues.Add(new QualityIssue(check, SummaryAnalysis.SeverityOf(check), n, SummaryAnalysis.Message(check, n, total, excludes, asOf, cols),
                checkExamples[i].ToArray(), SummaryAnalysis.ColumnOf(check, cols)));
        }

        // 5. Rows per period (valid timestamps up to --as-of, every version): missing periods, volume anomalies.
        var asOfEpoch = (asOf - DateTime.UnixEpoch).TotalSeconds;
        var perPeriod = new long[periodStarts.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var pi = PeriodOf(rows.Tag(i));
            if (pi >= 0 && rows.T(i) <= asOfEpoch) perPeriod[pi]++;
        }
        var order = Enumerable.Range(0, periodStarts.Count).Where(pi => perPeriod[pi] > 0).OrderBy(pi => periodStarts[pi]).ToArray();
        var starts = order.Select(pi => DateTime.UnixEpoch.AddSeconds(periodStarts[pi])).ToList();
        issues.AddRange(SummaryAnalysis.MissingPeriods(starts, options.Period));
        issues.AddRange(SummaryAnalysis.VolumeAnomalies(starts, order.Select(pi => (double)perPeriod[pi]).ToList(), options));
        issues.AddRange(SummaryAnalysis.SchemaIssues(cols, ModelTask.Binary, issues));
        issues.AddRange(SummaryAnalysis.ColumnIssues(profiles, total, options));

        // 6. Metrics: the clean rows of each version, sorted by score once.
        rows.ReleaseH2AndT();
        progress.Stage("Computing metrics");
        var (periods, overall) = Metrics(rows, dup, versions.Count + 1, versions, periodStarts, new BinaryMetricOptions { Threshold = options.Threshold });

        return new SummaryResult
        {
            Source = new SourceInfo(name, engine.Name, source.Columns.Select(c => c.Name).ToArray()),
            Task = ModelTask.Binary,
            Columns = cols.Roles,
            Period = options.Period,
            AsOf = DateTime.SpecifyKind(asOf, DateTimeKind.Utc),
            Threshold = options.Threshold,
            TotalRows = total,
            ExcludedRows = excludedByChecks + dupOnlyExcluded,
            Periods = periods,
            Overall = overall,
            Quality = new QualityReport { Issues = SummaryAnalysis.BySeverity(issues), Columns = profiles },
        };
    }

    internal const int MaxVersions = 255;

    private static readonly bool Timing = Environment.GetEnvironmentVariable("VIGIL_TIMING") == "1";

    private static void Exp(string line)
    {
        if (Timing) Console.Error.WriteLine(line);
    }

    /// <summary>The source's relation with Parquet's file_row_number column, or null when it is not plain Parquet files.</summary>
    private static string? RangedRelation(OpenedSource source) =>
        source.Relation.StartsWith("read_parquet(", StringComparison.Ordinal) && source.Relation.EndsWith(')')
            ? source.Relation[..^1] + ", file_row_number = true)"
            : null;

    private static List<SummaryAnalysis.ProfileItem> RawProfileItems(SqlDialect d, ResolvedColumns cols)
    {
        var items = new List<SummaryAnalysis.ProfileItem>();
        void Add(SourceColumn? c, string role, bool constancy)
        {
            if (c is null) return;
            var q = d.QuoteIdentifier(c.Name);
            var value = c.Kind == ColumnKind.Boolean ? d.CastToText(q) : q;
            items.Add(new(c.Name, c.SqlType, role, $"{q} IS NULL", constancy ? value : null));
        }
        Add(cols.Id, "id", false);
        Add(cols.Timestamp, "timestamp", false);
        Add(cols.Version, "version", true);
        Add(cols.Score, "score", true);
        Add(cols.Label, "label", true);
        foreach (var f in cols.Features) Add(f, "feature", true);
        return items;
    }

    /// <summary>A row's tag: bit 0 null id, bit 1 passed the checks, bits 2-3 label + 1, bits 4-11 version index
    /// (0: none), bits 12-31 period index + 1 (0: no valid timestamp).</summary>
    internal static int Tag(int period, int version, int label, bool clean, bool nullId) =>
        ((period + 1) << 12) | (version << 4) | ((label + 1) << 2) | (clean ? 2 : 0) | (nullId ? 1 : 0);

    internal static int PeriodOf(int tag) => (tag >>> 12) - 1;

    internal static int VersionOf(int tag) => (tag >> 4) & 0xFF;

    /// <summary>The start of the period holding a timestamp, both in seconds since the epoch (UTC), as date_trunc
    /// computes it; weeks start on Monday (1970-01-01 was a Thursday). NaN stays NaN.</summary>
    internal static double PeriodStart(double t, PeriodUnit unit) => unit switch
    {
        PeriodUnit.Hour => Math.Floor(t / 3600) * 3600,
        PeriodUnit.Week => (Math.Floor(t / 86400) - ((Math.Floor(t / 86400) % 7 + 7 + 3) % 7)) * 86400,
        _ => Math.Floor(t / 86400) * 86400,
    };

    /// <summary>The streamed columns, stored in blocks of 2^20 rows so that growing never copies (and never holds
    /// two copies at once).</summary>
    internal sealed class RowColumns(int blockBits = 20)
    {
        private readonly int _shift = blockBits;
        private readonly int _mask = (1 << blockBits) - 1;
        private readonly List<long[]> _h1 = [];
        private readonly List<long[]> _h2 = [];
        private readonly List<double[]> _t = [];
        private readonly List<double[]> _s = [];
        private readonly List<int[]> _tag = [];
        public int Count;

        public void Add(long h1, long h2, double t, double s, int tag)
        {
            var b = Count >> _shift;
            if (b == _h1.Count)
            {
                var n = 1 << _shift;
                _h1.Add(new long[n]); _h2.Add(new long[n]); _t.Add(new double[n]); _s.Add(new double[n]); _tag.Add(new int[n]);
            }
            var k = Count & _mask;
            _h1[b][k] = h1; _h2[b][k] = h2; _t[b][k] = t; _s[b][k] = s; _tag[b][k] = tag;
            Count++;
        }

        public long H1(int i) => _h1[i >> _shift][i & _mask];
        public long H2(int i) => _h2[i >> _shift][i & _mask];
        public double T(int i) => _t[i >> _shift][i & _mask];
        public double S(int i) => _s[i >> _shift][i & _mask];
        public int Tag(int i) => _tag[i >> _shift][i & _mask];

        /// <summary>Drops the first id hash once duplicates are known.</summary>
        public void ReleaseH1() => _h1.Clear();

        /// <summary>Drops the second id hash and the timestamps once duplicates, examples and volumes are known.</summary>
        public void ReleaseH2AndT()
        {
            _h2.Clear();
            _t.Clear();
        }
    }

    /// <summary>Marks every row whose id occurred before it: rows are sorted by (h1, h2); within a run of equal hashes
    /// the earliest timestamp (then the earliest row) is the first occurrence. Null ids are never duplicates.
    /// Drops <see cref="RowColumns.H1"/> once it has copied it (it is not needed afterwards).</summary>
    internal static bool[] Duplicates(RowColumns rows)
    {
        var n = rows.Count;
        var dup = new bool[n];
        var keys = new long[n];
        var idx = new int[n];
        var m = 0;
        for (var i = 0; i < n; i++)
        {
            if ((rows.Tag(i) & 1) != 0) continue; // null id
            keys[m] = rows.H1(i);
            idx[m++] = i;
        }
        rows.ReleaseH1();
        KeySort.Sort(keys, idx, m);
        var start = 0;
        while (start < m)
        {
            var end = start + 1;
            while (end < m && keys[end] == keys[start]) end++;
            if (end - start > 1) MarkRun(rows, idx.AsSpan(start, end - start), dup);
            start = end;
        }
        return dup;
    }

    private static void MarkRun(RowColumns rows, Span<int> run, bool[] dup)
    {
        // Order by second hash, then timestamp (unparseable last), then row.
        var list = run.ToArray();
        Array.Sort(list, (a, b) =>
        {
            var c = rows.H2(a).CompareTo(rows.H2(b));
            if (c != 0) return c;
            double ta = rows.T(a), tb = rows.T(b);
            if (double.IsNaN(ta) != double.IsNaN(tb)) return double.IsNaN(ta) ? 1 : -1;
            c = double.IsNaN(ta) ? 0 : ta.CompareTo(tb);
            return c != 0 ? c : a.CompareTo(b);
        });
        for (var k = 1; k < list.Length; k++)
            if (rows.H2(list[k]) == rows.H2(list[k - 1])) dup[list[k]] = true;
    }

    private static (List<PeriodSummary>, List<PeriodSummary>) Metrics(RowColumns rows, bool[] dup, int nv, List<string> versions, List<double> periodStarts, BinaryMetricOptions opts)
    {
        var np = periodStarts.Count;
        var swM = System.Diagnostics.Stopwatch.StartNew();
        var vcount = new int[nv];
        for (var i = 0; i < rows.Count; i++)
            if ((rows.Tag(i) & 2) != 0 && !dup[i]) vcount[VersionOf(rows.Tag(i))]++;
        var scores = new double[nv][];
        var tags = new int[nv][];
        for (var v = 0; v < nv; v++) { scores[v] = new double[vcount[v]]; tags[v] = new int[vcount[v]]; }
        var fill = new int[nv];
        for (var i = 0; i < rows.Count; i++)
        {
            var tag = rows.Tag(i);
            if ((tag & 2) == 0 || dup[i]) continue;
            var v = VersionOf(tag);
            var k = fill[v]++;
            var sv = rows.S(i);
            scores[v][k] = sv == 0 ? 0 : sv; // -0.0 as 0.0
            tags[v][k] = (PeriodOf(tag) << 2) | ((tag >> 2) & 3); // period index, label + 1
        }

        Exp($"[exp] metrics fill {swM.Elapsed.TotalSeconds:F3}");
        // Sort each version's scores (each sort uses every core), then run two passes per version at once: one over
        // all its rows, one per period.
        for (var v = 0; v < nv; v++) KeySort.Sort(scores[v], tags[v], scores[v].Length);
        Exp($"[exp] metrics sorted {swM.Elapsed.TotalSeconds:F3}");
        var perGroup = new PeriodSummary?[np * nv];
        var overall = new PeriodSummary?[nv];
        var version = (int v) => v == 0 ? null : versions[v - 1];
        Parallel.For(0, 2 * nv, job =>
        {
            var v = job >> 1;
            var sc = scores[v];
            var tg = tags[v];
            if (sc.Length == 0) return;
            if ((job & 1) == 0)
            {
                // Every row of the version.
                var all = new BinaryScoreAccumulator(opts);
                long allPos = 0, allNeg = 0;
                var allScore = double.NaN;
                var total = new NeumaierSum(); // compensated, so means agree with pandas' to well below 1e-9
                for (var i = sc.Length - 1; i >= 0; i--)
                {
                    var s = sc[i];
                    if (s != allScore)
                    {
                        if (!double.IsNaN(allScore)) all.Add(allScore, allPos, allNeg);
                        allScore = s; allPos = 0; allNeg = 0;
                    }
                    var y = (tg[i] & 3) - 1;
                    if (y == 1) allPos++;
                    else if (y == 0) allNeg++;
                    total.Add(s);
                }
                all.Add(allScore, allPos, allNeg);
                overall[v] = SummaryAnalysis.Summarize(all.Finish(), sc.Length, total.Value / sc.Length, null, version(v));
                return;
            }
            // Per period: one accumulator each, fed the period's rows as the sorted pass meets them.
            var accs = new BinaryScoreAccumulator?[np];
            var runScore = new double[np];
            var runPos = new long[np];
            var runNeg = new long[np];
            var count = new long[np];
            var sums = new NeumaierSum[np];
            for (var i = sc.Length - 1; i >= 0; i--)
            {
                var s = sc[i];
                var p = tg[i] >> 2;
                var y = (tg[i] & 3) - 1;
                if (count[p] > 0 && runScore[p] != s)
                {
                    (accs[p] ??= new BinaryScoreAccumulator(opts)).Add(runScore[p], runPos[p], runNeg[p]);
                    runPos[p] = 0; runNeg[p] = 0;
                }
                runScore[p] = s;
                if (y == 1) runPos[p]++;
                else if (y == 0) runNeg[p]++;
                count[p]++;
                sums[p].Add(s);
            }
            for (var p = 0; p < np; p++)
            {
                if (count[p] == 0) continue;
                var acc = accs[p] ??= new BinaryScoreAccumulator(opts);
                acc.Add(runScore[p], runPos[p], runNeg[p]);
                perGroup[p * nv + v] = SummaryAnalysis.Summarize(acc.Finish(), count[p], sums[p].Value / count[p],
                    DateTime.UnixEpoch.AddSeconds(periodStarts[p]), version(v));
            }
        });
        Exp($"[exp] metrics all {swM.Elapsed.TotalSeconds:F3}");
        return (SummaryAnalysis.Ordered(perGroup.Where(x => x is not null).ToList()!), SummaryAnalysis.Ordered(overall.Where(x => x is not null).ToList()!));
    }
}
