using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Sql;

/// <summary>Findings about how a source was read, for summary and evaluate to show: what opening it noticed
/// (<see cref="OpenedSource.Notes"/>) and the unit a numeric timestamp column is read in.</summary>
internal static class SourceFindings
{
    /// <summary>Each of the source's notes as an info finding (check <c>schema</c>); its column is the one column the
    /// note names (quoted, as 'name'), else null.</summary>
    public static IEnumerable<QualityIssue> Notes(OpenedSource source) => source.Notes.Select(n =>
    {
        var named = source.Columns.Where(c => n.Contains($"'{c.Name}'", StringComparison.Ordinal)).Take(2).ToArray();
        return new QualityIssue("schema", Severity.Info, 0, n, [], named.Length == 1 ? named[0].Name : null);
    });

    /// <summary>For a numeric timestamp column, a <c>schema</c> finding that says in which unit its epoch numbers are
    /// read (<see cref="RoleExpressions.EpochToTimestamp"/>), with a typical value: info when every finite value is in
    /// one unit's range, a warning counting the others when the column mixes units (each value is read in the unit its
    /// own magnitude shows). Null for any other column. One aggregate pass: a count and a mean magnitude per unit.</summary>
    public static QualityIssue? EpochTimestamp(OpenedSource source, SourceColumn? ts)
    {
        if (ts is not { Kind: ColumnKind.Int64 or ColumnKind.Double }) return null;
        var d = source.Dialect;
        var a = $"abs(CAST({d.QuoteIdentifier(ts.Name)} AS {d.Double}))";
        double[] limits = [0, .. RoleExpressions.EpochUnitLimits, 1e300];
        // NaN compares above every number in both engines, so "<= 1e300" also leaves out NaN and the infinities.
        var aggs = Enumerable.Range(0, limits.Length - 1).Select(i =>
        {
            var inUnit = $"{a} >= {Lit(limits[i])} AND {a} {(i == limits.Length - 2 ? "<=" : "<")} {Lit(limits[i + 1])}";
            return $"{d.CountIf(inUnit)}, {d.AggregateIf("avg", a, inUnit)}";
        });
        var t = source.Engine.Query($"SELECT {string.Join(", ", aggs)} FROM {source.Relation}");
        var units = Enumerable.Range(0, limits.Length - 1)
            .Select(i => (Count: t.GetInt64(2 * i, 0), Mean: t.IsNull(2 * i + 1, 0) ? 0 : t.GetDouble(2 * i + 1, 0)))
            .ToArray();
        var total = units.Sum(u => u.Count);
        if (total == 0)
            return new QualityIssue("schema", Severity.Info, 0, $"'{ts.Name}' holds numbers, read as epoch time; none is a finite number", [], ts.Name);
        var main = Array.IndexOf(units, units.MaxBy(u => u.Count));
        var typical = units[main].Mean;
        var message = $"'{ts.Name}' holds numbers; read as epoch {RoleExpressions.EpochUnit(typical)} (typical value {typical.ToString("0.##e0", CultureInfo.InvariantCulture)})";
        var others = total - units[main].Count;
        if (others == 0) return new QualityIssue("schema", Severity.Info, 0, message, [], ts.Name);
        var rest = units.Select((u, i) => (u.Count, Unit: RoleExpressions.EpochUnit(limits[i])))
            .Where((u, i) => i != main && u.Count > 0)
            .Select(u => $"{u.Count:N0} in {u.Unit}");
        return new QualityIssue("schema", Severity.Warning, others,
            message + $"; {others:N0} values are in another unit's range and each is read in the unit its size shows ({string.Join(", ", rest)})", [], ts.Name);
    }

    private static string Lit(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
