using System.Globalization;
using Vigil.Engine.ClickHouse;
using Vigil.Engine.DuckDb;
using Vigil.Testing.ClickHouse;

namespace Vigil.Engine.Tests.ClickHouse;

/// <summary>Every ClickHouse dialect member run on the test server and compared with DuckDB's answer on the same values
/// (and, for quantiles, with an independent computation).</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseDialectTests : IDisposable
{
    private readonly ClickHouseCluster _cluster;
    private readonly DuckDbEngine _duck = new();
    private ClickHouseEngine? _ch;

    public ClickHouseDialectTests(ClickHouseCluster cluster) => _cluster = cluster;

    public void Dispose()
    {
        _duck.Dispose();
        _ch?.Dispose();
    }

    private ClickHouseEngine Ch()
    {
        _cluster.Require();
        return _ch ??= new ClickHouseEngine(new ClickHouseConnectionInfo { Endpoint = new Uri(_cluster.HttpUrl(0)) });
    }

    private static readonly SqlDialect D = SqlDialect.ClickHouse;

    public static TheoryData<string> NumberTexts => new()
    {
        "1.5", " 2 ", "1e3", "1E5", "-1.25e-3", "nan", "NaN", "inf", "-inf", "+inf", "Infinity", "-Infinity", "abc", "", "1.5x", "+3",
        ".5", "5.", "-0", "\t7\n", "- 3", "1,5", "1e", ".", "+", "-", "0x10", "12345678901234567890",
    };

    [SkippableTheory]
    [MemberData(nameof(NumberTexts))]
    public void TryCastDouble_AcceptsWhatDuckDbAccepts(string text)
    {
        ClickHouseEngine ch = Ch();
        Table c = ch.Query($"SELECT {D.TryCastDouble("v")} FROM (SELECT {D.StringLiteral(text)} AS v)");
        Table d = _duck.Query($"SELECT {SqlDialect.DuckDb.TryCastDouble("v")} FROM (SELECT {SqlDialect.DuckDb.StringLiteral(text)} AS v)");
        Assert.Equal(d.IsNull(0, 0), c.IsNull(0, 0));
        if (!d.IsNull(0, 0)) Assert.Equal(d.GetDouble(0, 0), c.GetDouble(0, 0));
    }

    [SkippableFact]
    public void TryCastDouble_OfNumbersAndNull()
    {
        Table t = Ch().Query($"SELECT {D.TryCastDouble("toFloat64(2.5)")}, {D.TryCastDouble("toInt64(-7)")}, {D.TryCastDouble("CAST(NULL AS Nullable(String))")}");
        Assert.Equal(2.5, t.GetDouble(0, 0));
        Assert.Equal(-7.0, t.GetDouble(1, 0));
        Assert.True(t.IsNull(2, 0));
    }

    public static TheoryData<string> TimestampTexts => new()
    {
        "2024-01-02", "2024-01-02 03:04:05", "2024-01-02T03:04:05", " 2024-01-02 03:04:05 ", "2024-02-29 23:59:59", "2024-02-30",
        "2023-02-29", "2024-13-01", "2024-01-02 25:00:00", "2024-01-02 03:60:00", "abc", "", "1", "2024", "2024-01-02 03:04",
        "2024-01-02 03:04:05Z", "2024-01-02 03:04:05+02:00",
    };

    [SkippableTheory]
    [MemberData(nameof(TimestampTexts))]
    public void TryCastTimestamp_AcceptsWhatDuckDbAccepts(string text)
    {
        ClickHouseEngine ch = Ch();
        Table c = ch.Query($"SELECT {D.TryCastTimestamp("v")} FROM (SELECT {D.StringLiteral(text)} AS v)");
        Table d = _duck.Query($"SELECT {SqlDialect.DuckDb.TryCastTimestamp("v")} FROM (SELECT {SqlDialect.DuckDb.StringLiteral(text)} AS v)");
        Assert.Equal(d.IsNull(0, 0), c.IsNull(0, 0));
        if (!d.IsNull(0, 0)) Assert.Equal(d.GetDateTime(0, 0), c.GetDateTime(0, 0));
    }

    [SkippableFact]
    public void TryCastTimestamp_OfATimestampColumn_IsUtc()
    {
        Table t = Ch().Query($"SELECT {D.TryCastTimestamp("toDateTime('2024-01-02 03:04:05', 'Asia/Tokyo')", ColumnKind.Timestamp)}, {D.TryCastTimestamp("toDate('2024-01-02')", ColumnKind.Timestamp)}");
        Assert.Equal(new DateTime(2024, 1, 1, 18, 4, 5, DateTimeKind.Utc), t.GetDateTime(0, 0));
        Assert.Equal(new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc), t.GetDateTime(1, 0));
    }

    /// <summary>numpy's default (linear) quantile, written out: the reference for both engines.</summary>
    private static double? Reference(IReadOnlyList<double?> values, double p)
    {
        double[] s = values.Where(v => v.HasValue).Select(v => v!.Value).Order().ToArray();
        if (s.Length == 0) return null;
        double h = (s.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        return lo + 1 >= s.Length ? s[lo] : s[lo] + (h - lo) * (s[lo + 1] - s[lo]);
    }

    public static TheoryData<int, int> QuantileSets => new() { { 1, 1 }, { 2, 2 }, { 10, 3 }, { 11, 4 }, { 1001, 5 } };

    [SkippableTheory]
    [MemberData(nameof(QuantileSets))]
    public void Quantile_IsContinuous_LikeDuckDbAndNumpy(int n, int seed)
    {
        ClickHouseEngine ch = Ch();
        var rng = new Random(seed);
        var values = new List<double?>();
        for (int i = 0; i < n; i++) values.Add(Math.Round(rng.NextDouble() * 100 - 30, rng.Next(0, 3)));
        if (n > 3)
        {
            values.Add(null);
            values.Add(values[0]); // a tie
        }
        string list = "[" + string.Join(", ", values.Select(v => v is null ? "NULL" : v.Value.ToString("R", CultureInfo.InvariantCulture))) + "]";
        double[] ps = [0, 0.1, 0.25, 0.5, 0.9, 0.99, 1];
        string chSql = $"SELECT {string.Join(", ", ps.Select(p => D.Quantile("x", p)))}, {D.Quantiles("x", ps)} AS qs FROM (SELECT arrayJoin({list}) AS x)";
        string duckSql = $"SELECT {string.Join(", ", ps.Select(p => SqlDialect.DuckDb.Quantile("x", p)))} FROM (SELECT CAST(unnest({list}) AS DOUBLE) AS x)";
        Table c = ch.Query(chSql);
        Table d = _duck.Query(duckSql);
        Table arr = ch.Query($"SELECT {string.Join(", ", ps.Select((_, i) => $"qs[{i + 1}]"))} FROM ({chSql})");
        for (int i = 0; i < ps.Length; i++)
        {
            double expected = Reference(values, ps[i])!.Value;
            Assert.Equal(expected, d.GetDouble(i, 0), 1e-9);
            Assert.Equal(d.GetDouble(i, 0), c.GetDouble(i, 0), 1e-12);
            Assert.Equal(c.GetDouble(i, 0), arr.GetDouble(i, 0));
        }
    }

    [SkippableFact]
    public void Quantile_NoValues_IsNull_AndPerGroup()
    {
        ClickHouseEngine ch = Ch();
        Table empty = ch.Query($"SELECT {D.Median("x")}, {D.Quantiles("x", [0.5, 0.9])}[2] FROM (SELECT toFloat64(number) AS x FROM system.numbers LIMIT 10) WHERE x > 100");
        Assert.True(empty.IsNull(0, 0));
        Assert.True(empty.IsNull(1, 0));
        Table g = ch.Query($"SELECT number % 2 AS k, {D.Median("number")} AS m FROM (SELECT number FROM system.numbers LIMIT 10) GROUP BY k ORDER BY k");
        Assert.Equal(4.0, g.GetDouble(1, 0)); // 0 2 4 6 8
        Assert.Equal(5.0, g.GetDouble(1, 1)); // 1 3 5 7 9
    }

    [SkippableFact]
    public void Quantile_OverADistributedTable()
    {
        ClickHouseEngine ch = Ch();
        _cluster.CreateDistributedTable("q_dist", "id UInt64, v Float64", "id", "id");
        ch.Execute("INSERT INTO q_dist SELECT number, (number * 7919) % 1000 / 10 FROM system.numbers LIMIT 5000");
        var values = Enumerable.Range(0, 5000).Select(i => (double?)((i * 7919L) % 1000 / 10.0)).ToList();
        Table t = ch.Query($"SELECT {D.Quantiles("v", [0.1, 0.5, 0.75])} AS q FROM q_dist");
        Table r = ch.Query($"SELECT q[1], q[2], q[3] FROM (SELECT {D.Quantiles("v", [0.1, 0.5, 0.75])} AS q FROM q_dist)");
        Assert.Equal(1, t.RowCount);
        Assert.Equal(Reference(values, 0.1)!.Value, r.GetDouble(0, 0), 1e-9);
        Assert.Equal(Reference(values, 0.5)!.Value, r.GetDouble(1, 0), 1e-9);
        Assert.Equal(Reference(values, 0.75)!.Value, r.GetDouble(2, 0), 1e-9);
    }

    [SkippableTheory]
    [InlineData("hour")]
    [InlineData("day")]
    [InlineData("week")]
    [InlineData("month")]
    public void DateTrunc_MatchesDuckDb_WeeksStartMonday(string unit)
    {
        ClickHouseEngine ch = Ch();
        string[] times = ["2024-01-07 23:59:59", "2024-01-08 00:00:00", "2024-02-29 12:34:56", "2023-12-31 10:00:00", "2024-03-03 00:30:00"];
        foreach (string time in times)
        {
            DateTime c = ch.Query($"SELECT {D.DateTrunc(unit, $"toDateTime('{time}', 'UTC')")}").GetDateTime(0, 0);
            DateTime d = _duck.Query($"SELECT {SqlDialect.DuckDb.DateTrunc(unit, $"TIMESTAMP '{time}'")}").GetDateTime(0, 0);
            Assert.Equal(d, c);
        }
        // A column in another time zone is truncated in UTC all the same.
        DateTime tz = ch.Query($"SELECT {D.DateTrunc(unit, "toDateTime('2024-01-08 03:00:00', 'Asia/Tokyo')")}").GetDateTime(0, 0);
        DateTime utc = _duck.Query($"SELECT {SqlDialect.DuckDb.DateTrunc(unit, "TIMESTAMP '2024-01-07 18:00:00'")}").GetDateTime(0, 0);
        Assert.Equal(utc, tz);
    }

    [SkippableFact]
    public void Aggregates_CountIf_AggregateIf_EpochSeconds_Distinct_MatchDuckDb()
    {
        ClickHouseEngine ch = Ch();
        string Sql(SqlDialect d, string from) => $"""
            SELECT {d.CountIf("x > 3")} AS c, {d.AggregateIf("sum", "x", "x > 3")} AS s, {d.AggregateIf("avg", "x", "x % 2 = 0")} AS a,
                   {d.AggregateIf("min", "x", "x > 3")} AS mn, {d.AggregateIf("max", "x", "x < 5")} AS mx, {d.AggregateIf("count", "x", "x > 8")} AS n,
                   {d.ApproxCountDistinct("x % 4")} AS dc, {d.CastDouble("sum(x)")} / 2 AS half
            FROM {from}
            """;
        Table c = ch.Query(Sql(D, "(SELECT toInt64(number) AS x FROM system.numbers LIMIT 10)"));
        Table d = _duck.Query(Sql(SqlDialect.DuckDb, "(SELECT range AS x FROM range(10))"));
        for (int i = 0; i < d.ColumnCount; i++) Assert.Equal(d.GetDouble(i, 0), c.GetDouble(i, 0));
        Assert.Equal(86400.5, ch.Query($"SELECT {D.EpochSeconds("toDateTime('1970-01-02 00:00:00', 'UTC')")} + 0.5").GetDouble(0, 0));
        Assert.Equal("42", ch.ScalarString($"SELECT {D.CastToText("42")}"));
    }

    [SkippableTheory]
    [InlineData("abc")]
    [InlineData("p0000000001")]
    [InlineData("7|p0000012345")]
    [InlineData("it's ✓")]
    [InlineData("")]
    public void HashToUnit_IsTheSameNumberOnEveryEngine_TheMd5sFirst60BitsModuloAPrime(string text)
    {
        ClickHouseEngine ch = Ch();
        byte[] md5 = System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        ulong first60 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(md5) >> 4;
        double expected = (double)(first60 % 1000003) / 1000003.0;
        Assert.Equal(expected, ch.Query($"SELECT {D.HashToUnit(D.StringLiteral(text))}").GetDouble(0, 0));
        Assert.Equal(expected, _duck.Query($"SELECT {SqlDialect.DuckDb.HashToUnit(SqlDialect.DuckDb.StringLiteral(text))}").GetDouble(0, 0));
    }

    [SkippableFact]
    public void Hashes_AreInRange_Deterministic_AndSeeded()
    {
        ClickHouseEngine ch = Ch();
        Table t = ch.Query($"""
            SELECT min(h), max(h), avg(h), min(g0), countIf(g0 != g1), countIf(h != h2)
            FROM (SELECT {D.HashToUnit("number")} AS h, {D.HashToUnit("number")} AS h2, {D.Hash63("toString(number)", 0)} AS g0,
                         {D.Hash63("toString(number)", 1)} AS g1 FROM system.numbers LIMIT 20000)
            """);
        Assert.InRange(t.GetDouble(0, 0), 0, 0.01);
        Assert.InRange(t.GetDouble(1, 0), 0.99, 1 - 1e-12);
        Assert.InRange(t.GetDouble(2, 0), 0.48, 0.52);
        Assert.True(t.GetInt64(3, 0) >= 0);
        Assert.True(t.GetInt64(4, 0) > 19900);
        Assert.Equal(0, t.GetInt64(5, 0));
    }

    [SkippableTheory]
    [InlineData("it's")]
    [InlineData("back\\slash\\")]
    [InlineData("\\'")]
    [InlineData("tab\tnew\nline")]
    [InlineData("✓ \U0001F600")]
    public void StringLiteral_RoundTrips(string value) => Assert.Equal(value, Ch().ScalarString($"SELECT {D.StringLiteral(value)}"));

    [SkippableTheory]
    [InlineData("plain")]
    [InlineData("with space")]
    [InlineData("a\"b")]
    [InlineData("$1")]
    public void QuoteIdentifier_RoundTrips(string name)
    {
        Table t = Ch().Query($"SELECT 1 AS {D.QuoteIdentifier(name)}");
        Assert.Equal(name, t.Names[0]);
    }

    /// <summary>RunningSums (ClickHouse: sorted arrays and arrayCumSum, DuckDB: window functions) per key and overall, on
    /// random counts at distinct scores, against the sums taken here by brute force.</summary>
    [SkippableTheory]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    public void RunningSums_MatchDuckDbAndBruteForce(bool byKey, int seed)
    {
        ClickHouseEngine ch = Ch();
        var rng = new Random(seed);
        var rows = new List<(string Key, double Order, long P, long N)>();
        foreach (string key in byKey ? new[] { "a", "b", "c" } : new[] { "a" })
        {
            int n = key == "c" ? 1 : 40; // a key with one row: nothing below or above it
            foreach (double o in Enumerable.Range(0, 1000).OrderBy(_ => rng.Next()).Take(n).Select(i => i / 1000.0))
                rows.Add((key, o, rng.Next(0, 5), rng.Next(0, 1_000_000_000) * 3L));
        }
        string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        string Inv(long x) => x.ToString(CultureInfo.InvariantCulture);
        string chSelect = "SELECT tupleElement(t, 1) AS k_, toFloat64(tupleElement(t, 2)) AS o_, toUInt64(tupleElement(t, 3)) AS p_, toUInt64(tupleElement(t, 4)) AS n_ " +
                          $"FROM (SELECT arrayJoin([{string.Join(", ", rows.Select(r => $"('{r.Key}', toFloat64({R(r.Order)}), {Inv(r.P)}, {Inv(r.N)})"))}]) AS t)";
        string duckSelect = "SELECT k_, CAST(o_ AS DOUBLE) AS o_, CAST(p_ AS BIGINT) AS p_, CAST(n_ AS BIGINT) AS n_ FROM (VALUES " +
                            string.Join(", ", rows.Select(r => $"('{r.Key}', {R(r.Order)}, {Inv(r.P)}, {Inv(r.N)})")) + ") v(k_, o_, p_, n_)";
        if (!byKey)
        {
            chSelect = $"SELECT o_, p_, n_ FROM ({chSelect})";
            duckSelect = $"SELECT o_, p_, n_ FROM ({duckSelect})";
        }
        string[] keys = byKey ? ["k_"] : [];
        (string, string, string)[] sums = [("p_", "pb_", "pa_"), ("n_", "nb_", "na_")];
        string k = byKey ? "k_, " : "";
        Table c = ch.Query($"SELECT {k}o_, p_, n_, pb_, pa_, nb_, na_ FROM ({D.RunningSums(chSelect, keys, "o_", sums)}) ORDER BY {k}o_");
        Table d = _duck.Query($"SELECT {k}o_, p_, n_, pb_, pa_, nb_, na_ FROM ({SqlDialect.DuckDb.RunningSums(duckSelect, keys, "o_", sums)}) x ORDER BY {k}o_");
        var expected = rows.OrderBy(r => r.Key, StringComparer.Ordinal).ThenBy(r => r.Order).ToList();
        Assert.Equal(expected.Count, c.RowCount);
        Assert.Equal(expected.Count, d.RowCount);
        int at = byKey ? 1 : 0;
        for (int i = 0; i < expected.Count; i++)
        {
            var r = expected[i];
            var same = rows.Where(x => x.Key == r.Key).ToList();
            long[] want =
            [
                r.P, r.N,
                same.Where(x => x.Order < r.Order).Sum(x => x.P), same.Where(x => x.Order > r.Order).Sum(x => x.P),
                same.Where(x => x.Order < r.Order).Sum(x => x.N), same.Where(x => x.Order > r.Order).Sum(x => x.N),
            ];
            foreach (Table t in new[] { c, d })
            {
                string engine = t == c ? "ClickHouse" : "DuckDB";
                if (byKey) Assert.Equal(r.Key, t.GetString(0, i));
                Assert.Equal(r.Order, t.GetDouble(at, i));
                for (int j = 0; j < want.Length; j++)
                    Assert.True(want[j] == t.GetInt64(at + 1 + j, i), $"{engine} row {i} ({r.Key}, {r.Order}) column {j}: expected {want[j]}, got {t.GetInt64(at + 1 + j, i)}");
            }
        }
    }

    [SkippableFact]
    public void CreateTempTableAs_RunsInTheSession()
    {
        ClickHouseEngine ch = Ch();
        string name = ch.CreateTempTable("SELECT number AS x FROM system.numbers LIMIT 3");
        Assert.Equal(3, ch.Query($"SELECT count() FROM {D.QuoteIdentifier(name)}").GetInt64(0, 0));
        Assert.Contains("ENGINE = Memory", D.CreateTempTableAs("\"t\"", "SELECT 1"), StringComparison.Ordinal);
        Assert.Equal("CREATE TEMP TABLE \"t\" AS SELECT 1", SqlDialect.DuckDb.CreateTempTableAs("\"t\"", "SELECT 1"));
    }
}
