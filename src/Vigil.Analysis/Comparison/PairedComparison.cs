using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Comparison;

namespace Vigil.Analysis.Comparison;

/// <summary>Counts of a paired yes/no outcome of two versions on the same rows.</summary>
internal readonly record struct PairCounts(long Both, long OnlyA, long OnlyB, long Neither);

/// <summary>What the paired tests of one segment need, from the id-joined pairs: DeLong's placement sums, the McNemar
/// tables of correct predictions (all rows), detections (positives) and rejections (negatives), the sums of the
/// per-pair loss differences, and the pair cells of the bootstrap.</summary>
internal sealed record PairedSums(PairedPlacementSums Placements, PairCounts Correct, PairCounts Detected, PairCounts Rejected,
    LossSums LogLoss, LossSums Brier, PairedScoreCount[] Cells);

/// <summary>
/// Shadow deployments: when both versions scored the same ids, their differences are tested on the pairs (paired
/// DeLong, Newcombe's paired interval with McNemar's test, the paired mean difference, a paired bootstrap), which is
/// far more powerful than comparing two independent samples. Pairs are ids with exactly one valid row in each version;
/// the pair takes the baseline row's label and segment.
/// </summary>
internal static class PairedComparison
{
    /// <summary>Grid of the paired bootstrap's cells (1/100 of the score range, split at the threshold).</summary>
    private const int PairGrid = 100;

    private const string NullKey = "\u241Fnull";

    /// <summary>Scores in [0, 1] are summed as integers in units of 1/<see cref="ScoreUnits"/> (2^30: the product is exact,
    /// its floor loses less than 1e-9, and a BIGINT holds the sum of 8 billion of them).</summary>
    private const double ScoreUnits = 1073741824;

    internal sealed record Detection(bool Paired, string Reason, IReadOnlyList<QualityIssue> Findings);

    /// <param name="sharedIdsEstimate">The census's estimate (HyperLogLog counts) of the share of the smaller version's
    /// distinct ids that the other version scored too, where the engine can make one: below 25 % the versions scored
    /// different traffic and no query is needed; otherwise the exact count decides.</param>
    public static Detection Detect(ComparisonAnalysis.Input input, ComparisonOptions options, double? sharedIdsEstimate = null)
    {
        if (options.Pairing == PairingMode.Never) return new(false, "independent samples (pairing turned off with --paired no)", []);
        var id = input.Cols.Id;
        if (id is null)
        {
            if (options.Pairing == PairingMode.Always)
                throw new VigilInputException($"{input.Source.Description}: --paired yes needs an id column (--id) to pair the versions' rows");
            return new(false, "independent samples: there is no id column to pair the versions' rows by", []);
        }
        var e = input.Source.Engine;
        var ids = Ids(input, ""); // ids and versions only: pairing does not look at segments
        if (options.Pairing == PairingMode.Auto && sharedIdsEstimate is { } est && est < 0.25)
            return new(false, "independent samples: the versions scored different ids (fewer than a quarter of the ids scored by both, estimated from distinct counts)", []);
        // (The probe holds its sample in a CTE read twice; without CTEs the exact count below decides alone. ClickHouse,
        // which has none, has the census's estimate.)
        if (options.Pairing == PairingMode.Auto && sharedIdsEstimate is null && e.Dialect.HasCtes)
        {
            // A cheap look first: most comparisons are of versions that scored different traffic.
            // (The ids alone, not the valid-rows query: reading one column of each side is what makes this cheap.)
            var idText = input.X.Text(id);
            var rel = input.Source.Relation;
            // The sample is the small side of the join, so the engine holds 1,000 ids, not the candidate's.
            var probe = e.Query($"WITH s AS (SELECT DISTINCT id_ FROM (SELECT {idText} AS id_ FROM {rel} WHERE {input.VersionExpr} = {input.B} AND {idText} IS NOT NULL LIMIT 1000) l) " +
                                $"SELECT (SELECT count(*) FROM s) AS n_, (SELECT count(DISTINCT s.id_) FROM (SELECT {idText} AS cid_ FROM {rel} WHERE {input.VersionExpr} = {input.C}) r JOIN s ON r.cid_ = s.id_) AS m_");
            long n = probe.GetInt64(0, 0), m = probe.GetInt64(1, 0);
            if (n > 0 && m < n / 2)
                return new(false, $"independent samples: the versions scored different ids ({m:N0} of {n:N0} sampled baseline ids appear in the candidate)", []);
        }
        // Grouped by id over the whole log (a distributed GROUP BY merges the shards' groups), so a pair whose two rows
        // are on different shards is still one pair.
        var t = e.Query($"SELECT {e.Dialect.CountIf("nb_ = 1 AND nc_ = 1")} AS pairs_, coalesce(sum(nb_), 0) AS rb_, coalesce(sum(nc_), 0) AS rc_ " +
                        $"FROM (SELECT id_, {e.Dialect.CountIf($"v_ = {input.B}")} AS nb_, {e.Dialect.CountIf($"v_ = {input.C}")} AS nc_ FROM ({ids}) i GROUP BY id_) c");
        long pairs = t.GetInt64(0, 0), rb = t.GetInt64(1, 0), rc = t.GetInt64(2, 0);
        var share = Math.Min(rb == 0 ? 0 : (double)pairs / rb, rc == 0 ? 0 : (double)pairs / rc);
        var what = $"{pairs:N0} ids scored once by each version ({share:P1} of the smaller version's rows)";
        if (options.Pairing == PairingMode.Always)
        {
            if (pairs < 2) throw new VigilInputException($"{input.Source.Description}: --paired yes: only {pairs:N0} ids were scored once by each version; nothing to pair");
            return new(true, $"paired (--paired yes): {what}", share < options.PairedMinShare
                ? [new QualityIssue("unpaired_rows", Severity.Warning, rb + rc - 2 * pairs, $"the paired tests use the {pairs:N0} paired ids only; {rb + rc - 2 * pairs:N0} rows have no partner", [])]
                : []);
        }
        if (share >= options.PairedMinShare)
            return new(true, $"paired: both versions scored the same ids (a shadow deployment): {what}", rb + rc > 2 * pairs
                ? [new QualityIssue("unpaired_rows", Severity.Info, rb + rc - 2 * pairs, $"{rb + rc - 2 * pairs:N0} rows without a partner in the other version are in the metrics but not in the paired tests", [])]
                : []);
        return new(false, $"independent samples: only {what}; pairing needs {options.PairedMinShare:P0}", []);
    }

    /// <summary>Valid rows of either version with their id, score, label and segment keys (NULL segment values as a marker).</summary>
    private static string Ids(ComparisonAnalysis.Input input, string segSelect)
    {
        var x = input.X;
        return $"SELECT * FROM (SELECT {input.VersionExpr} AS v_, {x.Text(input.Cols.Id!)} AS id_, {x.StrictNumber(input.Cols.Score!, "--score")} AS s_, " +
               $"{x.BinaryLabel(input.Cols.Label!)} AS y_{segSelect} FROM {input.Source.Relation} WHERE {input.VersionExpr} IN ({input.B}, {input.C})) r WHERE {input.Valid} AND id_ IS NOT NULL";
    }

    /// <summary>The paired sums overall (<see cref="SliceKey.Empty"/>) and per segment. The pairs (ids scored once by
    /// each version, with the baseline row's label and segment keys) are found by one GROUP BY id over both versions' valid
    /// rows, with no join (so where each row is stored, on which shard, does not matter), into a temporary table that every
    /// later query reads, rather than re-grouped from the log by each. The table keeps what the sums need (segment keys, both
    /// scores, the label), not the ids.</summary>
    public static Dictionary<SliceKey, PairedSums> Sums(ComparisonAnalysis.Input input, ComparisonOptions options, Slicer slicer)
    {
        var d = input.D;
        var nseg = slicer.SegmentCount;
        string OfB(string column) => d.AggregateIf("min", column, $"v_ = {input.B}");
        var keysSel = string.Concat(Enumerable.Range(0, nseg).Select(i => $"coalesce({OfB($"g{i}_")}, {d.StringLiteral(NullKey)}) AS k{i}_, "));
        var keys = string.Concat(Enumerable.Range(0, nseg).Select(i => $"k{i}_, "));
        var pairs = input.Source.CreateTempTable(
            $"SELECT {keys}sa_, yb_ AS y_, sb_ FROM (SELECT {keysSel}{OfB("s_")} AS sa_, {OfB("y_")} AS yb_, " +
            $"{d.AggregateIf("min", "s_", $"v_ = {input.C}")} AS sb_ FROM ({Ids(input, slicer.Select)}) i GROUP BY id_ " +
            $"HAVING {d.CountIf($"v_ = {input.B}")} = 1 AND {d.CountIf($"v_ = {input.C}")} = 1) q");
        var all = new Dictionary<SliceKey, PairedSums>();
        foreach (var (k, v) in SumsBy(input, options, pairs, 0)) all[k] = v;
        if (nseg > 0)
            foreach (var (k, v) in SumsBy(input, options, pairs, nseg)) all[k] = v;
        return all;
    }

    /// <summary>The sums grouped by the first <paramref name="nseg"/> segment keys of the pairs table (0: overall). Each
    /// version's placement values per distinct score come from running sums over the (segment, score) counts
    /// (<see cref="SqlDialect.RunningSums"/>), which are joined back to the pairs, one join per level, and summed: the
    /// engine returns one row per segment.</summary>
    private static Dictionary<SliceKey, PairedSums> SumsBy(ComparisonAnalysis.Input input, ComparisonOptions options, string pairs, int nseg)
    {
        var d = input.D;
        var e = input.Source.Engine;
        var eps = BinaryScoreAccumulator.LogLossEps.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var t = options.Threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var gk = Enumerable.Range(0, nseg).Select(i => $"k{i}_").ToList();
        string G(string prefix = "") => string.Concat(gk.Select(k => $"{prefix}{k}, "));
        string On(string a, string b) => string.Concat(gk.Select(k => $" AND {a}.{k} = {b}.{k}"));
        string Ll(string s) => $"(-(CASE WHEN y_ = 1 THEN ln(greatest(least({s}, 1 - {eps}), {eps})) ELSE ln(1 - greatest(least({s}, 1 - {eps}), {eps})) END))";
        string Dbl(string x) => $"CAST(({x}) AS {d.Double})";
        string Br(string s) => $"(({s} - y_) * ({s} - y_))";
        string Cell(string s) => $"(CASE WHEN {s} >= {t} THEN 1 ELSE 0 END + 2 * CAST(floor(least({s} * {PairGrid}, {PairGrid})) AS INTEGER))";
        // One version's placement values at each of its distinct scores in a segment: a positive's is the share of the
        // segment's negatives scored below it (ties count half), a negative's the share of positives scored above it.
        string Placements(string s, string v)
        {
            var counts = $"SELECT {G()}{s}, {d.CountIf("y_ = 1")} AS p_, {d.CountIf("y_ = 0")} AS n_ FROM {pairs} GROUP BY {G()}{s}";
            var running = d.RunningSums(counts, gk, s, [("p_", "pbelow_", "pabove_"), ("n_", "nbelow_", "nabove_")]);
            return $"SELECT {G()}{s} AS {s}{v}, " +
                   $"CASE WHEN nbelow_ + n_ + nabove_ > 0 THEN {Dbl("nbelow_ + 0.5 * n_")} / (nbelow_ + n_ + nabove_) END AS q10{v}_, " +
                   $"CASE WHEN pbelow_ + p_ + pabove_ > 0 THEN {Dbl("pabove_ + 0.5 * p_")} / (pbelow_ + p_ + pabove_) END AS q01{v}_ FROM ({running}) r{v}";
        }
        var keyCols = string.Concat(gk.Select(k => $"p.{k} AS {k}, "));
        var withA = $"SELECT {keyCols}p.y_ AS y_, p.sa_ AS sa_, p.sb_ AS sb_, " +
                    $"CASE WHEN p.y_ = 1 THEN wa.q10a_ END AS v10a_, CASE WHEN p.y_ = 0 THEN wa.q01a_ END AS v01a_ " +
                    $"FROM {pairs} p JOIN ({Placements("sa_", "a")}) wa ON p.sa_ = wa.sa_a{On("p", "wa")}";
        var pl = $"SELECT {string.Concat(gk.Select(k => $"pa.{k} AS {k}, "))}pa.y_ AS y_, pa.sa_ AS sa_, pa.sb_ AS sb_, pa.v10a_ AS v10a_, pa.v01a_ AS v01a_, " +
                 $"CASE WHEN pa.y_ = 1 THEN wb.q10b_ END AS v10b_, CASE WHEN pa.y_ = 0 THEN wb.q01b_ END AS v01b_ " +
                 $"FROM ({withA}) pa JOIN ({Placements("sb_", "b")}) wb ON pa.sb_ = wb.sb_b{On("pa", "wb")}";
        var sql =
            $"SELECT {G()}{d.CountIf("y_ = 1")} AS m_, {d.CountIf("y_ = 0")} AS n_, " +
            "coalesce(sum(v10a_), 0), coalesce(sum(v10b_), 0), coalesce(sum(v10a_ * v10a_), 0), coalesce(sum(v10b_ * v10b_), 0), coalesce(sum(v10a_ * v10b_), 0), " +
            "coalesce(sum(v01a_), 0), coalesce(sum(v01b_), 0), coalesce(sum(v01a_ * v01a_), 0), coalesce(sum(v01b_ * v01b_), 0), coalesce(sum(v01a_ * v01b_), 0), " +
            $"{d.CountIf($"(sa_ >= {t}) = (y_ = 1) AND (sb_ >= {t}) = (y_ = 1)")}, {d.CountIf($"(sa_ >= {t}) = (y_ = 1) AND (sb_ >= {t}) <> (y_ = 1)")}, " +
            $"{d.CountIf($"(sa_ >= {t}) <> (y_ = 1) AND (sb_ >= {t}) = (y_ = 1)")}, {d.CountIf($"(sa_ >= {t}) <> (y_ = 1) AND (sb_ >= {t}) <> (y_ = 1)")}, " +
            $"{d.CountIf($"y_ = 1 AND sa_ >= {t} AND sb_ >= {t}")}, {d.CountIf($"y_ = 1 AND sa_ >= {t} AND sb_ < {t}")}, " +
            $"{d.CountIf($"y_ = 1 AND sa_ < {t} AND sb_ >= {t}")}, {d.CountIf($"y_ = 1 AND sa_ < {t} AND sb_ < {t}")}, " +
            $"{d.CountIf($"y_ = 0 AND sa_ < {t} AND sb_ < {t}")}, {d.CountIf($"y_ = 0 AND sa_ < {t} AND sb_ >= {t}")}, " +
            $"{d.CountIf($"y_ = 0 AND sa_ >= {t} AND sb_ < {t}")}, {d.CountIf($"y_ = 0 AND sa_ >= {t} AND sb_ >= {t}")}, " +
            $"coalesce(sum({Ll("sb_")} - {Ll("sa_")}), 0), coalesce(sum(({Ll("sb_")} - {Ll("sa_")}) * ({Ll("sb_")} - {Ll("sa_")})), 0), " +
            $"coalesce(sum({Br("sb_")} - {Br("sa_")}), 0), coalesce(sum(({Br("sb_")} - {Br("sa_")}) * ({Br("sb_")} - {Br("sa_")})), 0) " +
            $"FROM ({pl}) pl{(nseg > 0 ? " GROUP BY " + string.Join(", ", gk) : "")}";
        var result = new Dictionary<SliceKey, PairedSums>();
        var sums = e.Query(sql);
        // Each cell's mean scores from sums of the scores in units of 2^-30, which are integers: exact, so the same in any
        // order of summation (a sum of doubles is not, and the bootstrap orders its cells by these means, so a last-bit
        // difference between two runs, or two engines, would hand its draws to other cells).
        string Units(string s) => $"sum(CAST(floor({s} * 1073741824) AS BIGINT))"; // ScoreUnits
        var cells = CellsBy(e.Query(
            $"SELECT {G()}CAST(y_ AS BIGINT), {Units("sa_")}, {Units("sb_")}, count(*) FROM {pairs} GROUP BY {G()}y_, {Cell("sa_")}, {Cell("sb_")}"), nseg);
        for (var r = 0; r < sums.RowCount; r++)
        {
            var key = Key(sums, nseg, r);
            var c = nseg;
            long m = sums.GetInt64(c, r), n = sums.GetInt64(c + 1, r);
            double D(int i) => sums.IsNull(c + i, r) ? 0 : sums.GetDouble(c + i, r);
            long L(int i) => sums.GetInt64(c + i, r);
            var pl2 = new PairedPlacementSums(m, n, m == 0 ? double.NaN : D(2) / m, m == 0 ? double.NaN : D(3) / m,
                D(2), D(3), D(4), D(5), D(6), D(7), D(8), D(9), D(10), D(11));
            result[key] = new PairedSums(pl2,
                new PairCounts(L(12), L(13), L(14), L(15)),
                new PairCounts(L(16), L(17), L(18), L(19)),
                new PairCounts(L(20), L(21), L(22), L(23)),
                new LossSums(m + n, D(24), D(25)),
                new LossSums(m + n, D(26), D(27)),
                cells.GetValueOrDefault(key) ?? []);
        }
        return result;
    }

    private static Dictionary<SliceKey, PairedScoreCount[]> CellsBy(Table t, int nseg)
    {
        var lists = new Dictionary<SliceKey, List<PairedScoreCount>>();
        for (var r = 0; r < t.RowCount; r++)
        {
            var k = Key(t, nseg, r);
            if (!lists.TryGetValue(k, out var l)) lists[k] = l = [];
            var positive = t.GetInt64(nseg, r) == 1;
            var n = t.GetInt64(nseg + 3, r);
            l.Add(new PairedScoreCount(t.GetDouble(nseg + 1, r) / n / ScoreUnits, t.GetDouble(nseg + 2, r) / n / ScoreUnits, positive ? n : 0, positive ? 0 : n));
        }
        return lists.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
    }

    private static SliceKey Key(Table t, int nseg, int row)
    {
        if (nseg == 0) return SliceKey.Empty;
        var key = new string?[nseg];
        for (var i = 0; i < nseg; i++) key[i] = t.GetString(i, row) is var s && s == NullKey ? null : s;
        return new SliceKey(key);
    }
}
