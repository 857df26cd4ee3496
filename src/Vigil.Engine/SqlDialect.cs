using System.Globalization;
using System.Text;

namespace Vigil.Engine;

/// <summary>Which SQL dialect.</summary>
internal enum SqlDialectKind
{
    DuckDb,
    PostgreSql,
    ClickHouse,
}

/// <summary>
/// The few SQL differences analyses need so that one SQL text serves every engine. Everything not here
/// (FILTER (WHERE ...), window functions, date_trunc, ln, greatest/least, $n parameters) is common.
/// </summary>
internal abstract class SqlDialect
{
    public static readonly SqlDialect DuckDb = new DuckDbDialect();
    public static readonly SqlDialect PostgreSql = new PostgresDialect();
    public static readonly SqlDialect ClickHouse = new ClickHouse.ClickHouseDialect();

    public abstract SqlDialectKind Kind { get; }

    // ---- What the engine's SQL can express. Analyses ask these instead of asking which engine they run on. ----

    /// <summary>Window functions (<c>row_number() OVER (…)</c>, running sums). Without them, running sums are taken in
    /// .NET over the (aggregated) rows the engine returns.</summary>
    public virtual bool HasWindowFunctions => true;

    /// <summary><c>GROUP BY GROUPING SETS (…)</c>. Without it, one <c>UNION ALL</c> branch per set.</summary>
    public virtual bool HasGroupingSets => true;

    /// <summary><c>WITH name AS (SELECT …)</c>. Without it, a subquery in place, or a temporary table.</summary>
    public virtual bool HasCtes => true;

    /// <summary><c>UPDATE … SET … WHERE …</c> on a temporary table.</summary>
    public virtual bool HasUpdate => true;

    /// <summary>Whether a JOIN may have a range condition (<c>ON a.t &gt; b.f AND a.t &lt;= b.t</c>); ClickHouse joins on
    /// equality only.</summary>
    public virtual bool HasRangeJoins => true;

    /// <summary>The pseudo-column that numbers a table's rows in insertion order (DuckDB's <c>rowid</c>), or null when the
    /// engine has none (then <c>row_number() OVER ()</c>).</summary>
    public virtual string? RowId => null;

    /// <summary>Whether a subquery over a distributed table must say <c>GLOBAL IN</c> so that it runs once, on the
    /// initiator, instead of once per shard.</summary>
    public virtual string In => "IN";

    /// <summary>Name of the double-precision type ("DOUBLE" / "DOUBLE PRECISION").</summary>
    public abstract string Double { get; }

    /// <summary>Name of the text type ("VARCHAR" / "TEXT").</summary>
    public abstract string Text { get; }

    /// <summary>Quotes an identifier: <c>a"b</c> → <c>"a""b"</c>. Rejects empty names and names containing NUL.</summary>
    public string QuoteIdentifier(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0) throw new VigilInputException("empty identifier (column or table name)");
        if (name.Contains('\0')) throw new VigilInputException($"identifier contains a NUL character: {name.Replace("\0", "\\0", StringComparison.Ordinal)}");
        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Quotes a dotted name part by part: <c>schema.table</c> → <c>"schema"."table"</c>.
    /// A part already in double quotes is taken as written (so <c>"a.b"</c> stays one part).</summary>
    public string QuoteQualifiedName(string dotted)
    {
        List<string> parts = SplitQualifiedName(dotted);
        var sb = new StringBuilder();
        for (int i = 0; i < parts.Count; i++)
        {
            if (i > 0) sb.Append('.');
            sb.Append(QuoteIdentifier(parts[i]));
        }
        return sb.ToString();
    }

    /// <summary>Splits <c>a.b</c> or <c>"a.x"."b"</c> into its parts.</summary>
    public static List<string> SplitQualifiedName(string dotted)
    {
        ArgumentNullException.ThrowIfNull(dotted);
        var parts = new List<string>();
        var cur = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < dotted.Length; i++)
        {
            char ch = dotted[i];
            if (quoted)
            {
                if (ch == '"')
                {
                    if (i + 1 < dotted.Length && dotted[i + 1] == '"') { cur.Append('"'); i++; }
                    else quoted = false;
                }
                else cur.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == '.') { parts.Add(cur.ToString()); cur.Clear(); }
            else cur.Append(ch);
        }
        if (quoted) throw new VigilInputException($"unbalanced quote in name {dotted}");
        parts.Add(cur.ToString());
        foreach (string p in parts)
        {
            if (p.Length == 0) throw new VigilInputException($"bad table name \"{dotted}\": empty part");
        }
        return parts;
    }

    /// <summary>A SQL string literal: single quotes doubled. Rejects NUL.</summary>
    public virtual string StringLiteral(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0')) throw new VigilInputException("string contains a NUL character");
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>A UTC timestamp literal, to microseconds.</summary>
    public virtual string TimestampLiteral(DateTime t) => $"TIMESTAMP '{t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}'";

    /// <summary>Positional parameter placeholder (1-based): <c>$1</c>.</summary>
    public string Parameter(int index) => "$" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary><paramref name="expr"/> as a double, NULL where it is not a number.</summary>
    public abstract string TryCastDouble(string expr);

    /// <summary><paramref name="expr"/> as a TIMESTAMP, NULL where it is not one. Pass the column's kind when known:
    /// a Timestamp column is cast plainly (timestamptz is converted to UTC first).</summary>
    public abstract string TryCastTimestamp(string expr, ColumnKind? kind = null);

    /// <summary>Continuous median (linear interpolation, like numpy's default).</summary>
    public string Median(string expr) => Quantile(expr, 0.5);

    /// <summary>Continuous quantile (linear interpolation) as an aggregate.</summary>
    public abstract string Quantile(string expr, double p);

    /// <summary>Several continuous quantiles of one expression as one aggregate (a list, read with [1], [2], … in
    /// both engines): the values are gathered once, not once per quantile.</summary>
    public abstract string Quantiles(string expr, IReadOnlyList<double> ps);

    /// <summary>date_trunc with unit hour, day or week (ISO weeks, starting Monday).</summary>
    public string DateTrunc(string unit, string expr)
    {
        string u = unit.ToLowerInvariant();
        if (u is not ("hour" or "day" or "week" or "month"))
            throw new VigilInputException($"unknown time unit \"{unit}\"; expected hour, day, week or month");
        return TruncateTime(u, expr);
    }

    /// <summary><see cref="DateTrunc"/> for a unit already checked (hour, day, week or month).</summary>
    protected virtual string TruncateTime(string unit, string expr) => $"date_trunc('{unit}', {expr})";

    /// <summary>Seconds since the Unix epoch as a double.</summary>
    public virtual string EpochSeconds(string expr) => $"CAST(EXTRACT(EPOCH FROM {expr}) AS {Double})";

    /// <summary>The number of rows where <paramref name="condition"/> holds, as an aggregate
    /// (<c>count(*) FILTER (WHERE …)</c>, or <c>countIf(…)</c>).</summary>
    public virtual string CountIf(string condition) => $"count(*) FILTER (WHERE {condition})";

    /// <summary>The aggregate <paramref name="function"/> (count, sum, avg, min, max) of <paramref name="expr"/> over the
    /// rows where <paramref name="condition"/> holds (<c>fn(expr) FILTER (WHERE …)</c>, or <c>fnIf(expr, …)</c>).</summary>
    public virtual string AggregateIf(string function, string expr, string condition) => $"{function}({expr}) FILTER (WHERE {condition})";

    /// <summary>A deterministic pseudo-random number in [0, 1) from a value's text, for deterministic sampling: the first 15
    /// hex digits of its MD5 (60 bits, big-endian) modulo 1,000,003, over 1,000,003. Every engine computes the same number
    /// for the same text, so the samples an analysis draws (explain, DLE, the fairness proxies) are the same rows on
    /// DuckDB, PostgreSQL and ClickHouse.</summary>
    public abstract string HashToUnit(string expr);

    /// <summary>An estimate of the number of distinct values of <paramref name="expr"/> (a HyperLogLog aggregate) in
    /// constant memory, or null where the engine has none.</summary>
    public virtual string? DistinctEstimate(string expr) => null;

    /// <summary>Distinct values for a profile: an estimate where the engine has a fast one (HyperLogLog in DuckDB,
    /// <c>uniq</c> in ClickHouse), else exact (PostgreSQL's <c>count(DISTINCT …)</c>).</summary>
    public virtual string ApproxCountDistinct(string expr) => DistinctEstimate(expr) ?? $"count(DISTINCT {expr})";

    /// <summary>A 63-bit hash of a text value as a non-negative BIGINT; different seeds give independent hashes.</summary>
    public abstract string Hash63(string expr, int seed);

    /// <summary>The statement that creates a session-local temporary table <paramref name="quotedName"/> holding the result
    /// of <paramref name="select"/> (<c>CREATE TEMP TABLE … AS …</c>; ClickHouse names an engine).</summary>
    public virtual string CreateTempTableAs(string quotedName, string select) => $"CREATE TEMP TABLE {quotedName} AS {select}";

    /// <summary>
    /// An aggregate query over <paramref name="from"/> grouped by each of <paramref name="sets"/> in turn (GROUP BY
    /// GROUPING SETS). Its columns: <c>set_</c> (the index in <paramref name="sets"/> of the set a row belongs to), the
    /// <paramref name="keys"/> (column names of <paramref name="from"/>; NULL where the row's set does not group by
    /// them), then the <paramref name="aggregates"/> by name. Each aggregate's name must differ from the columns of
    /// <paramref name="from"/> that the aggregates read (ClickHouse resolves a name to an alias of the same SELECT first).
    /// An engine without grouping sets gets one UNION ALL branch per set, each a scan of <paramref name="from"/>.
    /// </summary>
    public string GroupingSets(string from, IReadOnlyList<string> keys, IReadOnlyList<IReadOnlyList<int>> sets, IReadOnlyList<(string Expr, string Name)> aggregates)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentNullException.ThrowIfNull(aggregates);
        string Keys(IEnumerable<int> set) => string.Join(", ", set.Select(j => keys[j]));
        var aggs = string.Join(", ", aggregates.Select(a => $"{a.Expr} AS {a.Name}"));
        if (HasGroupingSets)
        {
            // GROUPING(k0, …, kn-1) has bit n-1-j set when key j is not grouped.
            var masks = sets.Select(s => Enumerable.Range(0, keys.Count).Where(j => !s.Contains(j)).Sum(j => 1 << (keys.Count - 1 - j)));
            var set = keys.Count == 0 ? "0"
                : $"CASE GROUPING({string.Join(", ", keys)}) {string.Concat(masks.Select((m, i) => string.Create(CultureInfo.InvariantCulture, $"WHEN {m} THEN {i} ")))}END";
            return $"SELECT CAST({set} AS INTEGER) AS set_{string.Concat(keys.Select(k => ", " + k))}, {aggs} FROM {from} " +
                   $"GROUP BY GROUPING SETS ({string.Join(", ", sets.Select(s => "(" + Keys(s) + ")"))})";
        }
        // One branch per set: the set's keys and the aggregates, then the other keys as NULL one level up (so that no
        // aggregate reads a NULL alias in place of its column).
        var names = string.Join(", ", aggregates.Select(a => a.Name));
        return string.Join(" UNION ALL ", sets.Select((s, i) =>
            string.Create(CultureInfo.InvariantCulture, $"SELECT CAST({i} AS INTEGER) AS set_") +
            string.Concat(keys.Select((k, j) => s.Contains(j) ? ", " + k : $", NULL AS {k}")) +
            $", {names} FROM (SELECT {(s.Count == 0 ? "" : Keys(s) + ", ")}{aggs} FROM {from}{(s.Count == 0 ? "" : " GROUP BY " + Keys(s))}) g{i.ToString(CultureInfo.InvariantCulture)}"));
    }

    /// <summary>Text values joined by <paramref name="separator"/> (a SQL literal), NULLs skipped (<c>concat_ws</c>).</summary>
    public virtual string ConcatWs(string separator, IEnumerable<string> parts) => $"concat_ws({separator}, {string.Join(", ", parts)})";

    /// <summary>The row's number (from 1) in the order the engine produces the rows of this SELECT
    /// (<c>row_number() OVER ()</c>): the source's order in DuckDB and PostgreSQL; over a distributed table, an order
    /// that can change from one run to the next.</summary>
    public virtual string RowNumber => "row_number() OVER ()";

    /// <summary>The rows of <paramref name="select"/> (a SELECT without ORDER BY or LIMIT) with one more column,
    /// <paramref name="name"/>: each row's rank from 0 in the order of <paramref name="orderBy"/> (whose values must
    /// be distinct).</summary>
    public virtual string NumberRows(string select, string orderBy, string name) =>
        $"SELECT *, row_number() OVER (ORDER BY {orderBy}) - 1 AS {name} FROM ({select}) nr";

    /// <summary>
    /// The rows of <paramref name="select"/> (whose columns are the <paramref name="keys"/>, <paramref name="order"/> and
    /// the count columns of <paramref name="sums"/>, one row per distinct keys and order value) with two more columns per
    /// count column: its sum over the rows of the same keys whose order value is lower (Below) and over those whose order
    /// value is higher (Above), 0 where there are none. Columns: the keys, the order, the counts, then each Below and
    /// Above. Exact for integer counts. With window functions, two running sums per count; without them (ClickHouse),
    /// each key's rows gathered into one sorted array in the engine and summed along it.
    /// </summary>
    public virtual string RunningSums(string select, IReadOnlyList<string> keys, string order, IReadOnlyList<(string Count, string Below, string Above)> sums)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(sums);
        if (!HasWindowFunctions) throw new NotSupportedException($"{Kind}: a dialect without window functions overrides RunningSums");
        // Both as running sums from the start of an ordering (ascending for Below, descending for Above), which engines
        // compute in one streaming pass; a frame "1 FOLLOWING AND UNBOUNDED FOLLOWING" is far slower in DuckDB.
        var partition = keys.Count > 0 ? "PARTITION BY " + string.Join(", ", keys) + " " : "";
        return $"SELECT {string.Concat(keys.Select(k => k + ", "))}{order}, {string.Join(", ", sums.Select(s => s.Count))}" +
               string.Concat(sums.Select(s =>
                   $", coalesce(sum({s.Count}) OVER ({partition}ORDER BY {order} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS {s.Below}" +
                   $", coalesce(sum({s.Count}) OVER ({partition}ORDER BY {order} DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS {s.Above}")) +
               $" FROM ({select}) rs";
    }

    /// <summary>The <paramref name="row"/> values of the rows of <paramref name="relation"/> that are not the first of
    /// their <paramref name="key"/> in the order of <paramref name="orderBy"/> (which must end in a unique column), among
    /// the keys in <paramref name="keys"/> (a subquery).</summary>
    public virtual string LaterOccurrences(string relation, string row, string key, string orderBy, string keys) =>
        $"SELECT {row} FROM (SELECT {row}, row_number() OVER (PARTITION BY {key} ORDER BY {orderBy}) AS k_ " +
        $"FROM {relation} b WHERE {key} IN ({keys})) t WHERE k_ > 1";

    /// <summary>The first row of each <paramref name="key"/> of <paramref name="select"/> by <paramref name="orderBy"/>
    /// (which must order the rows of a key completely for the choice to be deterministic), with the columns
    /// <paramref name="columns"/>.</summary>
    public virtual string FirstPerKey(string select, string columns, string key, string orderBy) =>
        $"SELECT {columns} FROM (SELECT f.*, row_number() OVER (PARTITION BY {key} ORDER BY {orderBy}) AS vigil_k FROM ({select}) f) t WHERE vigil_k = 1";

    /// <summary>The distinct non-null values of <paramref name="expr"/> joined by <paramref name="separator"/> (a SQL
    /// literal), in no particular order, as an aggregate.</summary>
    public virtual string StringAggDistinct(string expr, string separator) => $"string_agg(DISTINCT {expr}, {separator})";

    /// <summary><paramref name="expr"/> as text.</summary>
    public string CastToText(string expr) => $"CAST({expr} AS {Text})";

    /// <summary><paramref name="expr"/> as a double (plain cast; fails on bad values).</summary>
    public string CastDouble(string expr) => $"CAST({expr} AS {Double})";

    private sealed class DuckDbDialect : SqlDialect
    {
        public override SqlDialectKind Kind => SqlDialectKind.DuckDb;

        public override string? RowId => "rowid";

        public override string Double => "DOUBLE";

        public override string Text => "VARCHAR";

        public override string TryCastDouble(string expr) => $"TRY_CAST({expr} AS DOUBLE)";

        public override string TryCastTimestamp(string expr, ColumnKind? kind = null) => $"TRY_CAST({expr} AS TIMESTAMP)";

        public override string Quantile(string expr, double p) =>
            $"quantile_cont({expr}, {p.ToString("R", CultureInfo.InvariantCulture)})";

        public override string Quantiles(string expr, IReadOnlyList<double> ps) =>
            $"quantile_cont({expr}, [{string.Join(", ", ps.Select(p => p.ToString("R", CultureInfo.InvariantCulture)))}])";

        public override string HashToUnit(string expr) =>
            $"(CAST(CAST(('0x' || substr(md5(CAST({expr} AS VARCHAR)), 1, 15)) AS BIGINT) % 1000003 AS DOUBLE) / 1000003.0)";

        public override string? DistinctEstimate(string expr) => $"approx_count_distinct({expr})";

        public override string Hash63(string expr, int seed) =>
            seed == 0 ? $"CAST(hash({expr}) >> 1 AS BIGINT)" : $"CAST(hash({expr} || '#{seed}') >> 1 AS BIGINT)";
    }

    private sealed class PostgresDialect : SqlDialect
    {
        // Numbers as PostgreSQL's float8 input accepts them (no NaN/Infinity).
        private const string NumberPattern = @"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$";

        // ISO dates with an optional time; stricter than DuckDB's TRY_CAST (no time zones, no other formats).
        private const string TimestampPattern =
            @"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([ T]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?)?$";

        public override SqlDialectKind Kind => SqlDialectKind.PostgreSql;

        public override string Double => "DOUBLE PRECISION";

        public override string Text => "TEXT";

        public override string TryCastDouble(string expr) =>
            $"(CASE WHEN CAST({expr} AS TEXT) ~ '{NumberPattern}' THEN CAST(CAST({expr} AS TEXT) AS DOUBLE PRECISION) END)";

        public override string TryCastTimestamp(string expr, ColumnKind? kind = null) => kind == ColumnKind.Timestamp
            ? $"CAST({expr} AS TIMESTAMP)"
            : $"(CASE WHEN CAST({expr} AS TEXT) ~ '{TimestampPattern}' THEN CAST(CAST({expr} AS TEXT) AS TIMESTAMP) END)";

        public override string Quantile(string expr, double p) =>
            $"percentile_cont({p.ToString("R", CultureInfo.InvariantCulture)}) WITHIN GROUP (ORDER BY {expr})";

        public override string Quantiles(string expr, IReadOnlyList<double> ps) =>
            $"percentile_cont(ARRAY[{string.Join(", ", ps.Select(p => p.ToString("R", CultureInfo.InvariantCulture)))}]::float8[]) WITHIN GROUP (ORDER BY {expr})";

        public override string HashToUnit(string expr) =>
            $"(CAST((('x' || substr(md5(CAST({expr} AS TEXT)), 1, 15))::bit(60)::bigint) % 1000003 AS DOUBLE PRECISION) / 1000003.0)";

        public override string Hash63(string expr, int seed) => $"(hashtextextended({expr}, {seed}) & 9223372036854775807)";
    }
}
