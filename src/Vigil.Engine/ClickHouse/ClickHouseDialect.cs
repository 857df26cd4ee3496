using System.Globalization;

namespace Vigil.Engine.ClickHouse;

/// <summary>ClickHouse's SQL (written to run on 18.16 as well as on a current server): aggregates with the -If
/// combinator instead of FILTER, no window functions, no grouping sets, no CTE subqueries, no UPDATE, and
/// <c>GLOBAL IN</c> so that a subquery over a Distributed table runs once.</summary>
internal sealed class ClickHouseDialect : SqlDialect
{
    public override SqlDialectKind Kind => SqlDialectKind.ClickHouse;

    public override bool HasWindowFunctions => false;

    public override bool HasGroupingSets => false;

    public override bool HasCtes => false;

    public override bool HasUpdate => false;

    public override bool HasRangeJoins => false;

    public override string In => "GLOBAL IN";

    public override string Double => "Float64";

    public override string Text => "String";

    /// <summary>A string literal: ClickHouse reads backslash escapes inside quotes, so backslashes are doubled too.</summary>
    public override string StringLiteral(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0')) throw new VigilInputException("string contains a NUL character");
        return "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
    }

    /// <summary>A DateTime('UTC') literal. 18.16's DateTime has whole seconds, so the time is cut to its second: against
    /// a DateTime column, <c>ts &gt; x</c> and <c>ts &lt;= x</c> stay exact under the cut (a whole-second ts is above x
    /// exactly when it is above x's second); <c>&gt;=</c> and <c>&lt;</c> would not, and callers of a ClickHouse store use
    /// only the first two.</summary>
    public override string TimestampLiteral(DateTime t) =>
        $"toDateTime('{t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}', 'UTC')";

    // Numbers as DuckDB's TRY_CAST(… AS DOUBLE) reads them: surrounding white space, an optional sign, digits with an
    // optional point and exponent, or inf / infinity / nan in any case. toFloat64OrNull alone refuses ' 2 ' and '+3'.
    private const string NumberPattern = "^[-+]?([0-9]+[.]?[0-9]*([eE][-+]?[0-9]+)?|[.][0-9]+([eE][-+]?[0-9]+)?|(?i:inf|infinity|nan))$";

    // ISO dates with an optional time (T or space) and an optional Z or UTC offset; hours, minutes and seconds in range.
    private const string TimestampPattern =
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[-+][0-9]{2}(:?[0-9]{2})?)?)?$";

    // NULL becomes '' first: on 18.16 an if() whose condition is a constant Nullable fails ("Illegal column
    // Const(Nullable(UInt8))") and one whose branch is Nullable already fails too, so the conditions stay non-Nullable and
    // a value that is not a number or time becomes text that toFloat64OrNull / parseDateTimeBestEffortOrNull turn into NULL.
    private static string Trimmed(string expr) => $"replaceRegexpAll(ifNull(toString({expr}), ''), '^[ \\t\\n\\r]+|[ \\t\\n\\r]+$', '')";

    public override string TryCastDouble(string expr)
    {
        string t = Trimmed(expr);
        return $"toFloat64OrNull(if(match({t}, '{NumberPattern}'), replaceRegexpOne({t}, '^[+]', ''), ''))";
    }

    /// <summary>A Timestamp column as DateTime('UTC'); text through an ISO pattern and parseDateTimeBestEffort (which alone
    /// reads '1' or '' as 2000-01-01), NULL for impossible dates such as 2024-02-30. A trailing Z or UTC offset is dropped,
    /// not applied, because DuckDB's TRY_CAST(… AS TIMESTAMP) does so and both engines must read the same text as the same
    /// time. On 18.16 a DateTime has whole seconds: fractions of a second are dropped.</summary>
    public override string TryCastTimestamp(string expr, ColumnKind? kind = null)
    {
        if (kind == ColumnKind.Timestamp) return $"toDateTime({expr}, 'UTC')";
        string t = Trimmed(expr);
        return $"parseDateTimeBestEffortOrNull(if(match({t}, '{TimestampPattern}') AND toString(toDateOrZero(substring({t}, 1, 10))) = substring({t}, 1, 10), " +
               $"replaceRegexpOne({t}, '([0-9]:[0-5][0-9]([.][0-9]+)?)(Z|[-+][0-9]{{2}}(:?[0-9]{{2}})?)$', '\\\\1'), 'x'), 'UTC')";
    }

    /// <summary>Continuous quantile with linear interpolation, exactly as DuckDB's quantile_cont and numpy's default: the
    /// values sorted once (arraySort(groupArray(…))), position h = (n - 1)·p, the value at floor(h) plus (h - floor(h))
    /// times the step to the next one. quantileExact is not continuous and quantileExactInclusive is newer than 18.16.
    /// NULLs are skipped; no values give NULL.</summary>
    public override string Quantile(string expr, double p) =>
        $"arrayMap(vigil_s -> {QuantileAt("vigil_s", p.ToString("R", CultureInfo.InvariantCulture))}, [arraySort(groupArray(toFloat64({expr})))])[1]";

    /// <summary>Several continuous quantiles as one Array(Nullable(Float64)), read with [1], [2], …</summary>
    public override string Quantiles(string expr, IReadOnlyList<double> ps) =>
        $"arrayMap(vigil_s -> arrayMap(vigil_p -> {QuantileAt("vigil_s", "vigil_p")}, " +
        $"[{string.Join(", ", ps.Select(p => "toFloat64(" + p.ToString("R", CultureInfo.InvariantCulture) + ")"))}]), [arraySort(groupArray(toFloat64({expr})))])[1]";

    private static string QuantileAt(string s, string p)
    {
        string h = $"((greatest(length({s}), 1) - 1) * {p})";
        string lo = $"toUInt64(floor({h}))";
        return $"if(length({s}) = 0, NULL, if({h} = floor({h}), {s}[{lo} + 1], " +
               $"{s}[{lo} + 1] + ({h} - floor({h})) * ({s}[least({lo} + 2, length({s}))] - {s}[{lo} + 1])))";
    }

    /// <summary>Truncation in UTC (whatever the column's time zone), as DateTime('UTC'); weeks start on Monday.</summary>
    protected override string TruncateTime(string unit, string expr) => unit switch
    {
        "hour" => $"toStartOfHour(toDateTime({expr}, 'UTC'))",
        "day" => $"toDateTime(toStartOfDay(toDateTime({expr}, 'UTC')), 'UTC')",
        "week" => $"toDateTime(toMonday(toDateTime({expr}, 'UTC')), 'UTC')",
        _ => $"toDateTime(toStartOfMonth(toDateTime({expr}, 'UTC')), 'UTC')",
    };

    /// <summary>A temporary table of the HTTP session (the engine sends one session_id), in memory.</summary>
    public override string CreateTempTableAs(string quotedName, string select) => $"CREATE TEMPORARY TABLE {quotedName} ENGINE = Memory AS {select}";

    public override string EpochSeconds(string expr) => $"toFloat64(toUnixTimestamp({expr}))";

    /// <summary>18.16 has no concat_ws: the parts' array with NULLs filtered out, joined.</summary>
    public override string ConcatWs(string separator, IEnumerable<string> parts) =>
        $"arrayStringConcat(arrayMap(x -> assumeNotNull(x), arrayFilter(x -> isNotNull(x), [{string.Join(", ", parts.Select(p => $"CAST({p} AS Nullable(String))"))}])), {separator})";

    public override string RowNumber => "(rowNumberInAllBlocks() + 1)";

    /// <summary>The rows sorted in a subquery, then numbered in the order they arrive (one sorted stream).</summary>
    public override string NumberRows(string select, string orderBy, string name) =>
        $"SELECT *, rowNumberInAllBlocks() AS {name} FROM ({select} ORDER BY {orderBy}) nr";

    /// <summary>Without window functions: the first row of each key by <c>LIMIT 1 BY</c>, and every other row.</summary>
    public override string LaterOccurrences(string relation, string row, string key, string orderBy, string keys) =>
        $"SELECT {row} FROM {relation} WHERE {key} GLOBAL IN ({keys}) AND {row} NOT IN " +
        $"(SELECT {row} FROM {relation} WHERE {key} GLOBAL IN ({keys}) ORDER BY {key}, {orderBy} LIMIT 1 BY {key})";

    /// <summary>Without window functions: the rows sorted by key and order, the first of each key by <c>LIMIT 1 BY</c>.</summary>
    public override string FirstPerKey(string select, string columns, string key, string orderBy) =>
        $"SELECT {columns} FROM ({select}) f ORDER BY {key}, {orderBy} LIMIT 1 BY {key}";

    /// <summary>Without window functions: each key's rows as one array of (order, counts…) tuples, sorted in the engine
    /// (<c>arraySort(groupArray(…))</c>; the order values are distinct within a key, so the tuples sort by them), the
    /// running sums along it with <c>arrayCumSum</c> (Below: the inclusive sums less the row's own count; Above: the same
    /// from the other end), and the rows back out with <c>ARRAY JOIN</c>. Only one key's distinct order values are held at
    /// a time per group, and nothing leaves the engine.</summary>
    public override string RunningSums(string select, IReadOnlyList<string> keys, string order, IReadOnlyList<(string Count, string Below, string Above)> sums)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(sums);
        string Column(int j) => $"arrayMap(vigil_t -> ifNull(tupleElement(vigil_t, {(j + 2).ToString(CultureInfo.InvariantCulture)}), 0), vigil_rs)";
        var keyList = string.Concat(keys.Select(k => k + ", "));
        return $"SELECT {keyList}tupleElement(vigil_r, 1) AS {order}" +
               string.Concat(sums.Select((s, j) => $", tupleElement(vigil_r, {(j + 2).ToString(CultureInfo.InvariantCulture)}) AS {s.Count}")) +
               string.Concat(sums.Select(s => $", {s.Below}, {s.Above}")) +
               $" FROM (SELECT {keyList}arraySort(groupArray(tuple({order}, {string.Join(", ", sums.Select(s => s.Count))}))) AS vigil_rs FROM ({select}) rs" +
               $"{(keys.Count > 0 ? " GROUP BY " + string.Join(", ", keys) : "")}) ARRAY JOIN vigil_rs AS vigil_r" +
               string.Concat(sums.Select((s, j) =>
                   $", arrayMap((vigil_c, vigil_x) -> vigil_c - vigil_x, arrayCumSum({Column(j)}), {Column(j)}) AS {s.Below}" +
                   $", arrayMap((vigil_c, vigil_x) -> vigil_c - vigil_x, arrayReverse(arrayCumSum(arrayReverse({Column(j)}))), {Column(j)}) AS {s.Above}"));
    }

    public override string StringAggDistinct(string expr, string separator) => $"arrayStringConcat(groupUniqArray({expr}), {separator})";

    public override string CountIf(string condition) => $"countIf({condition})";

    public override string AggregateIf(string function, string expr, string condition) =>
        function.Equals("count", StringComparison.OrdinalIgnoreCase)
            ? $"countIf({expr}, {condition})"
            // An aggregate of no (non-NULL) values is NULL, as in SQL: 18.16's -If gives 0 or '' there, Nullable or not.
            : $"if(countIf(isNotNull({expr}) AND ({condition})) > 0, {function}If({expr}, {condition}), NULL)";

    public override string HashToUnit(string expr) =>
        $"(toFloat64(intDiv(reinterpretAsUInt64(reverse(unhex(substring(hex(MD5(toString({expr}))), 1, 16)))), 16) % 1000003) / 1000003.0)";

    public override string? DistinctEstimate(string expr) => $"uniq({expr})";

    public override string Hash63(string expr, int seed) =>
        seed == 0 ? $"toInt64(bitAnd(sipHash64({expr}), 9223372036854775807))"
                  : $"toInt64(bitAnd(sipHash64(concat({expr}, '#{seed}')), 9223372036854775807))";
}
