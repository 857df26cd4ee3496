using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Drift;

// Which columns are compared, as what type, and what reading each side noticed about them.
internal static partial class DriftAnalysis
{
    internal sealed record Column(string Name, ColumnType Type, SourceColumn Reference, SourceColumn Current);

    internal static List<Column> SelectColumns(IReadOnlyList<SourceColumn> reference, string referenceDescription, OpenedSource current, DriftOptions options)
    {
        var cur = current.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var list = new List<Column>();
        if (options.Columns is { Count: > 0 } wanted)
        {
            foreach (var name in wanted)
            {
                var r = reference.FirstOrDefault(c => c.Name == name)
                        ?? throw new VigilInputException($"--columns: {referenceDescription} has no column '{name}'; it has: {string.Join(", ", reference.Select(c => c.Name))}");
                if (!cur.TryGetValue(name, out var c))
                    throw new VigilInputException($"--columns: {current.Description} has no column '{name}'; it has: {string.Join(", ", current.Columns.Select(x => x.Name))}");
                list.Add(new Column(name, TypeOf(r, c), r, c));
            }
            return list;
        }
        foreach (var r in reference)
        {
            if (!cur.TryGetValue(r.Name, out var c)) continue;
            if (r.Name is MappingOptions.DefaultId or MappingOptions.FallbackId or MappingOptions.DefaultTimestamp) continue;
            if (r.Kind == ColumnKind.Timestamp || c.Kind == ColumnKind.Timestamp) continue;
            list.Add(new Column(r.Name, TypeOf(r, c), r, c));
        }
        return list;
    }

    /// <summary>Numerical when both sides hold numbers; anything else is compared as categories (text).</summary>
    internal static ColumnType TypeOf(SourceColumn r, SourceColumn c) =>
        r.Kind is ColumnKind.Double or ColumnKind.Int64 && c.Kind is ColumnKind.Double or ColumnKind.Int64
            ? ColumnType.Numerical
            : ColumnType.Categorical;

    private static void CheckMethod(string method, string flag)
    {
        if (!DriftMethods.IsKnown(method))
            throw new VigilInputException($"{flag}: '{method}' is not a drift method; expected one of {string.Join(", ", DriftMethods.Names)}");
    }

    /// <summary>The columns with what reading each side noticed (<see cref="OpenedSource.Notes"/>), prefixed with the
    /// side: a note that names a column (quoted, as 'name') goes to that column's <see cref="ColumnDrift.Note"/>; one
    /// that names no column of its source concerns the whole source and goes to every compared column; one that names
    /// only columns not compared (the id, the timestamp) changes no result here and is left out.</summary>
    internal static List<ColumnDrift> WithSourceNotes(List<ColumnDrift> results, OpenedSource? reference, OpenedSource current)
    {
        var notes = new List<(string Text, HashSet<string>? Columns)>();
        void Add(OpenedSource? source, string side)
        {
            if (source is null) return;
            foreach (var n in source.Notes)
            {
                var named = source.Columns.Select(c => c.Name).Where(c => n.Contains($"'{c}'", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
                notes.Add(($"{side}: {n}", named.Count > 0 ? named : null));
            }
        }
        Add(reference, "reference");
        Add(current, "current");
        if (notes.Count == 0) return results;
        return results.Select(c =>
        {
            var mine = notes.Where(n => n.Columns is null || n.Columns.Contains(c.Name)).Select(n => n.Text).ToArray();
            return mine.Length == 0 ? c : c with { Note = Join([c.Note, .. mine]) };
        }).ToList();
    }
}
