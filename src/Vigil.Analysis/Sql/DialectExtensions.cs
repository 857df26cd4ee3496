using Vigil.Engine;

namespace Vigil.Analysis.Sql;

/// <summary>Dialect differences only analyses need.</summary>
internal static class DialectExtensions
{
    /// <summary>Distinct values: HyperLogLog in DuckDB (approximate, fast on any size), exact in PostgreSQL.</summary>
    public static string ApproxCountDistinct(this SqlDialect d, string expr) => d.Kind == SqlDialectKind.DuckDb
        ? $"approx_count_distinct({expr})"
        : $"count(DISTINCT {expr})";

    /// <summary>A 63-bit hash of a text value as a non-negative BIGINT; different seeds give independent hashes.</summary>
    public static string Hash63(this SqlDialect d, string expr, int seed) => d.Kind == SqlDialectKind.DuckDb
        ? (seed == 0 ? $"CAST(hash({expr}) >> 1 AS BIGINT)" : $"CAST(hash({expr} || '#{seed}') >> 1 AS BIGINT)")
        : $"(hashtextextended({expr}, {seed}) & 9223372036854775807)";
}
