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

    public override string TryCastDouble(string expr) => $"toFloat64OrNull(toString({expr}))";

    public override string TryCastTimestamp(string expr, ColumnKind? kind = null) => kind == ColumnKind.Timestamp
        ? $"toDateTime({expr}, 'UTC')"
        : $"parseDateTimeBestEffortOrNull(toString({expr}), 'UTC')";

    public override string Quantile(string expr, double p) =>
        $"quantileExact({p.ToString("R", CultureInfo.InvariantCulture)})({expr})";

    public override string Quantiles(string expr, IReadOnlyList<double> ps) =>
        $"quantilesExact({string.Join(", ", ps.Select(p => p.ToString("R", CultureInfo.InvariantCulture)))})({expr})";

    protected override string TruncateTime(string unit, string expr) => unit switch
    {
        "hour" => $"toStartOfHour({expr})",
        "day" => $"toDateTime(toStartOfDay({expr}), 'UTC')",
        "week" => $"toDateTime(toMonday({expr}), 'UTC')",
        _ => $"toDateTime(toStartOfMonth({expr}), 'UTC')",
    };

    public override string EpochSeconds(string expr) => $"toFloat64(toUnixTimestamp({expr}))";

    public override string CountIf(string condition) => $"countIf({condition})";

    public override string AggregateIf(string function, string expr, string condition) => $"{function}If({expr}, {condition})";

    public override string HashToUnit(string expr) => $"(toFloat64(sipHash64(toString({expr})) % 1000003) / 1000003.0)";

    public override string? DistinctEstimate(string expr) => $"uniq({expr})";

    public override string Hash63(string expr, int seed) =>
        seed == 0 ? $"toInt64(bitAnd(sipHash64({expr}), 9223372036854775807))"
                  : $"toInt64(bitAnd(sipHash64(concat({expr}, '#{seed}')), 9223372036854775807))";
}
