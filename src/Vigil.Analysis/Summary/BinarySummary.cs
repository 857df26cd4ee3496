using System.Globalization;
using System.Text;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Internal;

namespace Vigil.Analysis.Summary;

/// <summary>
/// The binary summary in two scans of the source and no working table:
/// <list type="number">
/// <item>one aggregate pass: each column's null count and whether it is constant;</item>
/// <item>at the same time, on a second connection, one streamed pass of fixed-width columns per row: two independent
/// 63-bit hashes of the id, the timestamp, the version, the score, the label, every check's outcome as a bit, and the
/// id where a row fails a check. DuckDB computes it on every core, in no particular order.</item>
/// </list>
/// .NET then finds duplicates by sorting the id hashes, counts rows per period, and computes the metrics by sorting each
/// version's scores once (see docs/architecture.md for the measurements behind this design). Nothing in the result
/// depends on the order rows arrive in (examples are the smallest ids), but for one case: an id whose occurrences share
/// its earliest timestamp and differ otherwise, where file order says which is first. Then the pass runs again, in order.
/// </summary>
internal static partial class BinarySummary
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
        var (engine, source, cols, _, checks, asOf, options, progress) = input;
        var name = source.Description;
        if (!engine.InProcess || options.InEngine) return RunInEngine(input);
        progress.Stage($"Reading {name}");

        // Rows come unordered when the engine can then read in parallel; a tie that only file order could break sends
        // the summary through the rows a second time, in order.
        var collected = Collect(input, ordered: false);
        var dup = Duplicates(collected.Rows, !collected.Ordered, out var ambiguous);
        if (ambiguous)
        {
            progress.Stage($"Reading {name} again, in order (duplicate ids with equal timestamps differ)");
            collected = Collect(input, ordered: true);
            dup = Duplicates(collected.Rows, false, out _);
        }
        var rows = collected.Rows;
        var total = (long)rows.Count;
        var hasId = cols.Id is not null;

        // Duplicates: later occurrences of an id (earliest timestamp first, then file order).
        progress.Stage("Collecting examples");
        long dupCount = 0, dupOnlyExcluded = 0;
        var dupExamples = new SmallestIds(options.Examples);
        for (var i = 0; i < rows.Count; i++)
        {
            if (!dup[i]) continue;
            dupCount++;
            if ((rows.Tag(i) & 2) != 0) dupOnlyExcluded++;
        }
        var issues = new List<QualityIssue>();
        if (dupCount > 0)
        {
            // The smallest repeated ids, from the engine: the same in every engine, whatever order the rows came in
            // (an id repeated is an id some row repeats).
            var ex = engine.Query($"SELECT id_ FROM ({input.RowsSql}) r WHERE id_ IS NOT NULL GROUP BY id_ HAVING count(*) > 1 ORDER BY id_ LIMIT {options.Examples.ToString(CultureInfo.InvariantCulture)}");
            for (var r = 0; r < ex.RowCount; r++) dupExamples.Offer(ex.GetString(0, r)!);
            issues.Add(new QualityIssue("duplicate_id", SummaryAnalysis.SeverityOf("duplicate_id"), dupCount,
                SummaryAnalysis.Message("duplicate_id", dupCount, total, true, asOf, cols), dupExamples.ToArray(), cols.Id?.Name));
        }
        for (var i = 0; i < checks.Count; i++)
        {
            var n = collected.CheckCounts[i];
            if (n == 0) continue;
            var (check, _, excludes) = checks[i];
            issues.Add(new QualityIssue(check, SummaryAnalysis.SeverityOf(check), n, SummaryAnalysis.Message(check, n, total, excludes, asOf, cols),
                collected.CheckExamples[i].ToArray(), SummaryAnalysis.ColumnOf(check, cols)));
        }

        // Rows per period (valid timestamps up to --as-of, every version): missing periods, volume anomalies.
        var periodStarts = collected.PeriodStarts;
        var asOfEpoch = (asOf - DateTime.UnixEpoch).TotalSeconds;
        var perPeriod = new long[periodStarts.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var pi = PeriodOf(rows.Tag(i));
            if (pi >= 0 && rows.T(i) <= asOfEpoch) perPeriod[pi]++;
        }
        var order = Enumerable.Range(0, periodStarts.Count).Where(pi => perPeriod[pi] > 0).OrderBy(pi => periodStarts[pi]).ToArray();
        var starts = order.Select(pi => DateTime.UnixEpoch.AddSeconds(periodStarts[pi])).ToList();
        var covered = SummaryAnalysis.Covered(starts, order.Select(pi => (double)perPeriod[pi]).ToList(), options.Period);
        issues.AddRange(SummaryAnalysis.PeriodIssues(starts, order.Select(pi => (double)perPeriod[pi]).ToList(), options,
            (low, high) => SummaryAnalysis.OutlierExamples(input.Engine, $"({input.RowsSql})", input.Cols.Id is not null, asOf, low, high, options.Examples)));
        issues.AddRange(SummaryAnalysis.SchemaIssues(cols, ModelTask.Binary, issues));
        issues.AddRange(SummaryAnalysis.ColumnIssues(collected.Profiles, total, options));

        // Metrics: the clean rows of each version, sorted by score once.
        rows.ReleaseH2AndT();
        progress.Stage("Computing metrics");
        var farFromBest = new List<QualityIssue>();
        var (periods, overall) = Metrics(rows, dup, collected.Versions.Count + 1, collected.Versions, periodStarts, new BinaryMetricOptions { Threshold = options.Threshold }, farFromBest);
        issues.AddRange(farFromBest);

        return Result(input, covered, total, collected.ExcludedByChecks + dupOnlyExcluded, periods, overall, issues, collected.Profiles);
    }

    /// <summary>The binary summary's result, from either path.</summary>
    private static SummaryResult Result(Inputs input, (DateTime From, DateTime To)? covered, long total, long excluded,
        List<PeriodSummary> periods, List<PeriodSummary> overall, List<QualityIssue> issues, List<ColumnProfile> profiles) => new()
    {
        CoveredFrom = covered?.From,
        CoveredTo = covered?.To,
        Source = new SourceInfo(input.Source.Description, input.Engine.Name, input.Source.Columns.Select(c => c.Name).ToArray()),
        Task = ModelTask.Binary,
        Columns = input.Cols.Roles,
        Period = input.Options.Period,
        AsOf = DateTime.SpecifyKind(input.AsOf, DateTimeKind.Utc),
        Threshold = input.Options.Threshold,
        TotalRows = total,
        ExcludedRows = excluded,
        Periods = SummaryAnalysis.Ordered(periods),
        Overall = SummaryAnalysis.Ordered(overall),
        Quality = new QualityReport { Issues = SummaryAnalysis.BySeverity(issues), Columns = profiles },
    };

    /// <summary>A <c>threshold_far_from_best</c> finding per model version whose decision threshold is far from its
    /// F1-best one (as evaluate reports it), in version-name order (the unversioned rows first), whatever order the
    /// rows came in.</summary>
    private static IEnumerable<QualityIssue> FarFromBest(IEnumerable<(string? Version, BinaryEvaluation Evaluation)> evaluations) =>
        evaluations.OrderBy(x => x.Version is null ? 0 : 1).ThenBy(x => x.Version, StringComparer.Ordinal)
            .Select(x => Vigil.Analysis.Evaluation.BinaryEvaluationRun.ThresholdFarFromBest(x.Evaluation) is { } far
                ? far with { Message = (x.Version is null ? "" : $"model version {x.Version}: ") + far.Message }
                : null)
            .OfType<QualityIssue>();

    /// <summary>What one pass over the rows gathers.</summary>
    private sealed record Collected(
        bool Ordered,
        RowColumns Rows,
        long[] CheckCounts,
        SmallestIds[] CheckExamples,
        long ExcludedByChecks,
        List<string> Versions,
        List<double> PeriodStarts,
        List<ColumnProfile> Profiles);

    /// <summary>
    /// One pass of fixed-width columns per row: two independent 63-bit hashes of the id, the timestamp, the version,
    /// the score, the label, every check's outcome as one bit, and the id of a row that fails a check.
    /// DuckDB computes it on every core when <paramref name="ordered"/> is false. The column profiles come from an
    /// aggregate pass run at the same time on a second connection.
    /// </summary>
    private static Collected Collect(Inputs input, bool ordered)
    {
        var (engine, source, cols, rowsSql, checks, asOf, options, _) = input;
        var d = engine.Dialect;
        var name = source.Description;
        var profileItems = RawProfileItems(d, cols);

        // Column profiles in one aggregate pass, on a second connection at the same time as the row pass.
        // (Folding the profile into the row pass as bits per column was tried: it cost more than the second pass.)
        var countSql = "SELECT count(*) AS total_" +
                       string.Concat(SummaryAnalysis.ProfileAggregates(d, profileItems, distinct: false).Select(p => ", " + p)) +
                       $" FROM {source.Relation}";
        var second = source.Reopen();
        var profilePass = Task.Run(() =>
        {
            try { return (second?.Engine ?? engine).Query(countSql); }
            finally { second?.Dispose(); }
        });
        if (second is null) profilePass.Wait();
        var parameters = new List<object?> { asOf };

        var hasId = cols.Id is not null;
        // Every check's outcome as one bit of m_; the id only for rows that fail one.
        var mask = string.Join(" + ", checks.Select((c, i) => $"(CASE WHEN {c.Predicate} THEN {1 << i} ELSE 0 END)"));
        var excluding = 0;
        for (var i = 0; i < checks.Count; i++) if (checks[i].Excludes) excluding |= 1 << i;
        var streamSql =
            $"SELECT h1_, {(hasId ? d.Hash63("id_", HashSeed) : "0")} AS h2_, " +
            $"{d.EpochSeconds("ts_")} AS t_, ver_, coalesce(s_, 0) AS s_, coalesce(y_, -1) AS y_, " +
            $"CASE WHEN id_ IS NULL THEN 1 ELSE 0 END AS n_, m_, CASE WHEN m_ <> 0 THEN id_ END AS e_ " +
            $"FROM (SELECT r.*, {(hasId ? d.Hash63("id_", 0) : "0")} AS h1_, {(checks.Count == 0 ? "0" : mask)} AS m_ FROM ({rowsSql}) r) g";

        var checkCounts = new long[checks.Count];
        var checkExamples = checks.Select(_ => new SmallestIds(options.Examples)).ToArray();
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
        var period = TimeChunk.Of(options.Period);
        var swC = new System.Diagnostics.Stopwatch();
        var swAll = System.Diagnostics.Stopwatch.StartNew();
        // Rows in any order (computed on every core) unless an ambiguous duplicate needs the file's order.
        void Read(Action<Table> onChunk)
        {
            if (ordered) engine.Stream(streamSql, parameters, onChunk);
            else engine.StreamUnordered(streamSql, parameters, onChunk);
        }
        Read(chunk =>
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
                    var id = hasId ? chunk.GetString(8, i) ?? "(null id)" : null;
                    for (var k = 0; k < checkCounts.Length; k++)
                    {
                        if ((bits & (1 << k)) == 0) continue;
                        checkCounts[k]++;
                        if (id is not null) checkExamples[k].Offer(id);
                    }
                    if ((bits & excluding) != 0) excludedByChecks++;
                }
                var p = period.StartOf(t[i]);
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
                            throw new VigilInputException($"{name}: more than {MaxVersions} distinct values in the model version column '{cols.Version?.Name}'; is it the right column (--version-column)?");
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
        Exp($"[timing]   row pass {swAll.Elapsed.TotalSeconds:F3} s, of which reading chunks in .NET {swC.Elapsed.TotalSeconds:F3} s");

        var total = (long)rows.Count;
        if (total == 0) throw new VigilInputException($"{name}: no rows");
        var counts = profilePass.GetAwaiter().GetResult();
        if (counts.GetInt64(0, 0) != total)
            throw new InvalidOperationException($"the engine streamed {total} rows where it had counted {counts.GetInt64(0, 0)}");
        var profiles = SummaryAnalysis.ReadProfiles(counts, 1, profileItems, total);
        return new Collected(ordered || !engine.InProcess, rows, checkCounts, checkExamples, excludedByChecks, versions, periodStarts, profiles);
    }

    /// <summary>Keeps the <c>n</c> smallest distinct ids offered (ordinal order): examples that do not depend on the
    /// order in which rows arrive.</summary>
    internal sealed class SmallestIds(int n)
    {
        private readonly List<string> _ids = new(n + 1);

        public int Count => _ids.Count;

        public void Offer(string id)
        {
            if (n <= 0) return;
            if (_ids.Count == n && string.CompareOrdinal(id, _ids[^1]) >= 0) return;
            var at = _ids.BinarySearch(id, StringComparer.Ordinal);
            if (at >= 0) return;
            _ids.Insert(~at, id);
            if (_ids.Count > n) _ids.RemoveAt(n);
        }

        public string[] ToArray() => _ids.ToArray();
    }

    internal const int MaxVersions = 255;

    private static readonly bool Timing = Environment.GetEnvironmentVariable("VIGIL_TIMING") == "1";

    private static void Exp(string line)
    {
        if (Timing) Console.Error.WriteLine(line);
    }

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
    internal static bool[] Duplicates(RowColumns rows) => Duplicates(rows, false, out _);

    /// <summary>As <see cref="Duplicates(RowColumns)"/>; with <paramref name="unordered"/>, the rows' order is not the
    /// file's, and <paramref name="ambiguous"/> tells whether an id's first occurrence shares its timestamp with another
    /// occurrence that differs from it (only file order could then say which comes first).</summary>
    internal static bool[] Duplicates(RowColumns rows, bool unordered, out bool ambiguous)
    {
        var anyAmbiguous = false;
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
            if (end - start > 1) anyAmbiguous |= MarkRun(rows, idx.AsSpan(start, end - start), dup, unordered);
            start = end;
        }
        ambiguous = anyAmbiguous;
        return dup;
    }

    private static bool MarkRun(RowColumns rows, Span<int> run, bool[] dup, bool unordered)
    {
        var ambiguous = false;
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
        var first = 0;
        for (var k = 1; k < list.Length; k++)
        {
            int a = list[first], b = list[k];
            if (rows.H2(b) != rows.H2(a))
            {
                first = k;
                continue;
            }
            dup[b] = true;
            if (unordered && SameTime(rows.T(a), rows.T(b)) && (rows.S(a) != rows.S(b) || rows.Tag(a) != rows.Tag(b))) ambiguous = true;
        }
        return ambiguous;
    }

    private static bool SameTime(double a, double b) => a == b || (double.IsNaN(a) && double.IsNaN(b));

    /// <param name="farFromBest">Receives a <c>threshold_far_from_best</c> finding per model version whose decision
    /// threshold is far from its F1-best one (as evaluate reports it).</param>
    private static (List<PeriodSummary>, List<PeriodSummary>) Metrics(RowColumns rows, bool[] dup, int nv, List<string> versions, List<double> periodStarts, BinaryMetricOptions opts,
        List<QualityIssue> farFromBest)
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

        Exp($"[timing]   metrics: rows split by version after {swM.Elapsed.TotalSeconds:F3} s");
        // Sort each version's scores (each sort uses every core), then run two passes per version at once: one over
        // all its rows, one per period.
        for (var v = 0; v < nv; v++) KeySort.Sort(scores[v], tags[v], scores[v].Length);
        Exp($"[timing]   metrics: scores sorted after {swM.Elapsed.TotalSeconds:F3} s");
        var perGroup = new PeriodSummary?[np * nv];
        var overall = new PeriodSummary?[nv];
        var evaluations = new BinaryEvaluation?[nv];
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
                var whole = all.Finish();
                evaluations[v] = whole;
                overall[v] = SummaryAnalysis.Summarize(whole, sc.Length, total.Value / sc.Length, null, version(v));
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
        Exp($"[timing]   metrics: done after {swM.Elapsed.TotalSeconds:F3} s");
        farFromBest.AddRange(FarFromBest(Enumerable.Range(0, nv).Where(v => evaluations[v] is not null).Select(v => ((string?)version(v), evaluations[v]!))));
        return (perGroup.OfType<PeriodSummary>().ToList(), overall.OfType<PeriodSummary>().ToList());
    }
}
