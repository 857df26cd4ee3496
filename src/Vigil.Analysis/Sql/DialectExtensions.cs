using Vigil.Engine;

namespace Vigil.Analysis.Sql;

/// <summary>Dialect differences only analyses need.</summary>
internal static class DialectExtensions
{
    /// <summary>Distinct values: HyperLogLog in DuckDB (approximate, fast on any size), exact in PostgreSQL.</summary>
    public static string ApproxCountDistinct(this SqlDialect d, string expr) => d.Kind == SqlDialectKind.DuckDb
        ? $"approx_count_distinct({expr})"
        : $"count(DISTINCT {expr})";
}
